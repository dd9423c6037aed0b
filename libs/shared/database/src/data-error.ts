import { InvalidPayloadError } from '@sid/shared/errors';
import { pgError } from './pg-error';

/**
 * PostgreSQL's "data exception" class (22xxx): a value the column cannot hold. Validation
 * derived from the field definitions refuses these first; this is the net under it, for a value
 * no rule foresaw. What it says, by code:
 */
const DATA_ERRORS: Record<string, string> = {
  '22001': 'is too long for its field',
  '22003': 'is out of range for its field',
  '22007': 'is not a valid date or time',
  '22008': 'is not a valid date or time',
  '22021': 'contains a character that cannot be stored (such as \\u0000)',
  '22P02': 'does not have the form its field expects',
  '22P05': 'contains a character that cannot be stored (such as \\u0000)',
  '2200D': 'does not have the form its field expects',
  '22023': 'is not valid here',
  '22004': 'must not be null',
};

/**
 * A data exception turned into a 400 naming the field: PostgreSQL's message quotes the value
 * (`value "2147483648" is out of range for type integer`), so the field is the input entry holding
 * it; PostgreSQL's own `column` is used when it gives one. Other errors come back unchanged.
 */
export function translateDataError(error: unknown, input: Record<string, unknown> = {}): unknown {
  const pg = pgError(error) as { code: string; column?: string; message?: string } | undefined;
  if (!pg || !pg.code.startsWith('22')) return error;
  const problem = DATA_ERRORS[pg.code] ?? 'cannot be stored';
  const field = pg.column ?? fieldHolding(input, quotedValue(pg.message ?? ''));
  return new InvalidPayloadError(
    field ? `"${field}" ${problem}.` : `A value ${problem}.`,
    field ? { field } : {},
  );
}

function quotedValue(message: string): string | undefined {
  return /"([^"]*)"/.exec(message)?.[1];
}

function fieldHolding(
  input: Record<string, unknown>,
  value: string | undefined,
): string | undefined {
  const entries = Object.entries(input).filter(([, v]) => v !== null && v !== undefined);
  if (value !== undefined) {
    const exact = entries.find(([, v]) => typeof v !== 'object' && String(v) === value);
    if (exact) return exact[0];
  }
  // One field written: it is the one (a 22xxx without a quoted value, such as NUL in jsonb).
  return entries.length === 1 ? entries[0][0] : undefined;
}
