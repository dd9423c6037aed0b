import { InvalidQueryError } from '@sid/shared/errors';
import { FieldType } from '@sid/shared/items';
import { isUuidLike } from '@sid/shared/items';
import { FilterScalar } from './item-query';
import { show } from './parse-primitives';

const INTEGER = /^[+-]?\d{1,19}$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;
const TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const NOW = /^\$NOW(?:\(\s*([+-]?\d{1,6})\s*(second|minute|hour|day|week|month|year)s?\s*\))?$/;
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

export interface DynamicValues {
  now: Date;
  userId: string | null;
}

/**
 * Turns one filter value into what is bound for a field of the given type, or refuses it with
 * a message naming the parameter. Integers and decimals stay strings (no float rounding);
 * `$NOW` / `$NOW(-1 day)` and `$CURRENT_USER` are resolved first.
 */
export function filterValue(
  value: FilterScalar,
  type: FieldType,
  where: string,
  dynamic: DynamicValues,
): string | boolean | null {
  if (value === '$CURRENT_USER') return dynamic.userId;
  if (value === '') {
    throw new InvalidQueryError(
      `"${where}" needs a value (test for empty or missing values with _empty or _null).`,
    );
  }
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new InvalidQueryError(`"${where}" must not contain the NUL character (\\u0000).`);
  }
  const resolved =
    typeof value === 'string' && value.startsWith('$NOW') ? now(value, where, dynamic.now) : value;
  if (resolved === null) {
    throw new InvalidQueryError(`"${where}" needs a value, got null.`);
  }
  const text = String(resolved).trim();
  const refuse = (expected: string) =>
    new InvalidQueryError(`"${where}" must be ${expected}, got ${show(value)}.`);
  switch (type) {
    case 'string':
      return String(resolved);
    case 'integer':
    case 'bigInteger': {
      if (!INTEGER.test(text)) throw refuse('an integer');
      const number = BigInt(text);
      if (number < BIGINT_MIN || number > BIGINT_MAX) throw refuse('a 64-bit integer');
      return number.toString();
    }
    case 'float':
      if (!DECIMAL.test(text)) throw refuse('a number');
      return text;
    case 'boolean':
      if (resolved === true || text === 'true' || text === '1') return true;
      if (resolved === false || text === 'false' || text === '0') return false;
      throw refuse('true or false');
    case 'uuid':
      if (!isUuidLike(text)) throw refuse('a UUID');
      return text.toLowerCase();
    case 'timestamp':
      return timestamp(text, refuse);
    case 'json':
      throw new InvalidQueryError(
        `"${where}": JSON fields can only be tested with _null / _nnull.`,
      );
  }
}

/** Zone-less timestamps are read as UTC, so results do not depend on the server's time zone. */
function timestamp(text: string, refuse: (expected: string) => Error): string {
  const match = TIMESTAMP.exec(text);
  if (!match) throw refuse('an ISO-8601 date or timestamp');
  const iso = text.length === 10 ? `${text}T00:00:00Z` : match[1] ? text : `${text}Z`;
  const normalised = iso.replace(' ', 'T');
  if (Number.isNaN(Date.parse(normalised))) throw refuse('a valid date');
  return normalised;
}

function now(value: string, where: string, base: Date): string {
  const match = NOW.exec(value);
  if (!match) {
    throw new InvalidQueryError(
      `"${where}": ${show(value)} is not a valid dynamic value (expected $NOW or e.g. $NOW(-1 day)).`,
    );
  }
  const date = new Date(base.getTime());
  if (match[1] !== undefined) {
    const amount = Number(match[1]);
    switch (match[2]) {
      case 'second':
        date.setUTCSeconds(date.getUTCSeconds() + amount);
        break;
      case 'minute':
        date.setUTCMinutes(date.getUTCMinutes() + amount);
        break;
      case 'hour':
        date.setUTCHours(date.getUTCHours() + amount);
        break;
      case 'day':
        date.setUTCDate(date.getUTCDate() + amount);
        break;
      case 'week':
        date.setUTCDate(date.getUTCDate() + amount * 7);
        break;
      case 'month':
        date.setUTCMonth(date.getUTCMonth() + amount);
        break;
      case 'year':
        date.setUTCFullYear(date.getUTCFullYear() + amount);
        break;
    }
  }
  if (Number.isNaN(date.getTime())) {
    throw new InvalidQueryError(`"${where}": ${show(value)} is out of range.`);
  }
  return date.toISOString();
}
