import { InvalidIdentifierError } from './identifier.exception';

/** Longest code we generate: an AI 21 serial has at most 20 characters. */
export const MAX_CODE_LENGTH = 20;

/**
 * How sparse a code space must stay: the number of possible codes must be at least
 * SPARSITY_FACTOR x the number of codes issued in it (existing + new).
 */
export const SPARSITY_FACTOR = 1000;

export interface CodeSpaceRequest {
  /** Codes to generate now. */
  quantity: number;
  /** Codes already issued in the same space (same product / length / character set). */
  existing: number;
  length: number;
  alphabetSize: number;
  /** Size of the alphabet of the first character when it differs (e.g. 9 for no leading zero). */
  firstAlphabetSize?: number;
  /** Name of the character set, only used in the message (e.g. 'numeric'). */
  label?: string;
}

export type CodeSpaceCheck = { ok: true } | { ok: false; message: string; suggestedLength: number };

/**
 * Is there room for `quantity` more random codes?
 *
 * Rule: the space (alphabetSize^length, or firstAlphabetSize x alphabetSize^(length-1)) must hold
 * at least 1000 x (existing + quantity) codes. Then a random guess hits a real code with
 * probability at most 1/1000 (0.1%), so codes cannot be enumerated by guessing, and a freshly
 * drawn code collides with an issued one at most 0.1% of the time, so the generator's
 * retry-on-duplicate loop stays cheap.
 *
 * When the space is too small, `suggestedLength` is the smallest length up to MAX_CODE_LENGTH (20)
 * that satisfies the rule; if none does, it is MAX_CODE_LENGTH and the message asks for a larger
 * character set instead. Sizes are computed with BigInt (62^20 does not fit a double exactly).
 */
export function checkCodeSpace(request: CodeSpaceRequest): CodeSpaceCheck {
  const { quantity, existing, length, alphabetSize, label } = request;
  const firstAlphabetSize = request.firstAlphabetSize ?? alphabetSize;
  assertInteger(quantity, 0, Number.MAX_SAFE_INTEGER, 'quantity');
  assertInteger(existing, 0, Number.MAX_SAFE_INTEGER, 'existing');
  assertInteger(length, 1, MAX_CODE_LENGTH, 'length');
  assertInteger(alphabetSize, 1, Number.MAX_SAFE_INTEGER, 'alphabetSize');
  assertInteger(firstAlphabetSize, 1, Number.MAX_SAFE_INTEGER, 'firstAlphabetSize');

  const total = BigInt(existing) + BigInt(quantity);
  const needed = BigInt(SPARSITY_FACTOR) * total;
  const space = (len: number): bigint =>
    BigInt(firstAlphabetSize) * BigInt(alphabetSize) ** BigInt(len - 1);

  const available = space(length);
  if (available >= needed) return { ok: true };

  let suggestedLength = length + 1;
  while (suggestedLength <= MAX_CODE_LENGTH && space(suggestedLength) < needed) suggestedLength++;

  const what = `${quantity} ${label ? `${label} ` : ''}codes of length ${length}`;
  const plus = existing > 0 ? ` (on top of ${existing} already issued)` : '';
  const fill =
    total > available
      ? `do not fit in a space of ${available}`
      : `would fill ${formatPercent(total, available)} of a space of ${available}`;
  if (suggestedLength > MAX_CODE_LENGTH) {
    return {
      ok: false,
      message: `${what}${plus} ${fill}; even length ${MAX_CODE_LENGTH} is too short for this character set, use a larger one`,
      suggestedLength: MAX_CODE_LENGTH,
    };
  }
  return {
    ok: false,
    message: `${what}${plus} ${fill}; use length ${suggestedLength} or more`,
    suggestedLength,
  };
}

function formatPercent(part: bigint, whole: bigint): string {
  // part > whole / 1000 here, so the ratio is a comfortable double.
  const percent = (Number(part) / Number(whole)) * 100;
  return `${percent >= 10 ? Math.round(percent) : Number(percent.toPrecision(2))}%`;
}

function assertInteger(value: number, min: number, max: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidIdentifierError(
      `${field} must be an integer from ${min} to ${max}, got ${value}`,
      field,
    );
  }
}
