import { InvalidIdentifierError } from './identifier.exception';

const DIGITS = /^\d+$/;
const GTIN_LENGTHS = [8, 12, 13, 14];

/**
 * GS1 mod-10 check digit of `digitsWithoutCheck`: weights 3, 1, 3, ... starting from the
 * rightmost digit, check digit = (10 - sum % 10) % 10. Works for GTIN-8/12/13/14, SSCC, GRAI, GLN.
 */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  if (!DIGITS.test(digitsWithoutCheck)) {
    throw new InvalidIdentifierError(
      `Cannot compute a GS1 check digit of "${digitsWithoutCheck}": digits only`,
    );
  }
  let sum = 0;
  let weight = 3;
  for (let i = digitsWithoutCheck.length - 1; i >= 0; i--) {
    sum += (digitsWithoutCheck.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True if `digits` is at least 2 digits long and its last digit is its GS1 check digit. */
export function hasValidCheckDigit(digits: string): boolean {
  if (digits.length < 2 || !DIGITS.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/**
 * Accepts a GTIN-8, -12, -13 or -14 (surrounding whitespace ignored) and returns it as a GTIN-14
 * (left-padded with zeros), the form used in digital links and EPCs.
 */
export function normalizeGtin(input: string): string {
  const gtin = input.trim();
  if (!DIGITS.test(gtin)) {
    throw new InvalidIdentifierError(`GTIN "${gtin}" must contain digits only`, 'gtin');
  }
  if (!GTIN_LENGTHS.includes(gtin.length)) {
    throw new InvalidIdentifierError(
      `GTIN "${gtin}" has ${gtin.length} digits; a GTIN has 8, 12, 13 or 14 digits`,
      'gtin',
    );
  }
  const expected = gs1CheckDigit(gtin.slice(0, -1));
  if (expected !== gtin.charCodeAt(gtin.length - 1) - 48) {
    throw new InvalidIdentifierError(
      `GTIN "${gtin}" has a wrong check digit: expected ${expected}, got ${gtin.slice(-1)}`,
      'gtin',
    );
  }
  return gtin.padStart(14, '0');
}

/** Throws unless `gtin14` is exactly 14 digits with a valid check digit. */
export function assertGtin14(gtin14: string, field = 'gtin'): void {
  if (gtin14.length !== 14 || !DIGITS.test(gtin14)) {
    throw new InvalidIdentifierError(`"${gtin14}" is not a GTIN-14 (14 digits)`, field);
  }
  if (!hasValidCheckDigit(gtin14)) {
    throw new InvalidIdentifierError(
      `GTIN "${gtin14}" has a wrong check digit: expected ${gs1CheckDigit(gtin14.slice(0, -1))}, got ${gtin14.slice(-1)}`,
      field,
    );
  }
}
