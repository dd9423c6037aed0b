import { InvalidQueryError } from '@sid/shared/errors';
import { ALL_ROWS, ItemQueryLimits, SortField } from './item-query';

/** What a field name may look like. Anything else is refused before it is even looked up. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Deepest relation chain accepted in `fields` (`a.b.c.d.e`), and filter nesting depth. */
export const MAX_DEPTH = 5;

export function isFieldName(text: string): boolean {
  return FIELD_NAME.test(text);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For messages: a value as the user wrote it, shortened. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * A list as Express' qs parser or JSON may deliver it: an array, or an object with the numeric
 * keys qs produces past its array limit (`{ '0': ..., '21': ... }`), in index order.
 */
export function toList(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
      const sorted = keys.sort((a, b) => Number(a) - Number(b));
      // A list has indexes 0, 1, 2...: `[999]=x` alone is a typo or a probe, not a list of one.
      if (sorted.some((key, index) => Number(key) !== index)) {
        throw new InvalidQueryError(
          `"${where}" must be a list indexed 0, 1, 2... without gaps, got index ${sorted.find((key, index) => Number(key) !== index)}.`,
        );
      }
      return sorted.map((key) => value[key]);
    }
  }
  throw new InvalidQueryError(`"${where}" must be an array.`);
}

/** `a,b` or `[a, b]` or `[a, 'b,c']` → trimmed, non-empty strings. */
export function toStringList(value: unknown, param: string): string[] {
  const items = typeof value === 'string' ? [value] : toList(value, param);
  return items.flatMap((item) => {
    if (typeof item !== 'string') {
      throw new InvalidQueryError(`"${param}" must be a comma-separated list of names.`);
    }
    return item
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  });
}

/** A JSON-encoded object parameter (`filter={"status":{"_eq":"new"}}`), or the object itself. */
export function toObject(value: unknown, param: string): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InvalidQueryError(`"${param}" must be an object or valid JSON.`);
    }
  } else {
    parsed = unfoldDepthOverflow(value);
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidQueryError(`"${param}" must be an object.`);
  }
  return parsed;
}

/** A key qs left unparsed because it was past its depth limit of 5: `[gtin][_eq]`. */
const OVERFLOW_KEY = /^(\[[^[\]]*\])+$/;

/**
 * qs stops at 5 levels and keeps the rest as one key: `filter[_and][0][_or][0][product][gtin][_eq]=1`
 * arrives as `{ product: { '[gtin][_eq]': '1' } }`. This unfolds such keys into objects, so deep
 * filters work with Express' default parser. (Field names never start with `[`.)
 */
export function unfoldDepthOverflow(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unfoldDepthOverflow);
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const path = OVERFLOW_KEY.test(key) ? key.slice(1, -1).split('][') : [key];
    let target = result;
    for (const segment of path.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (!isPlainObject(next)) defineOwn(target, segment, {});
      target = target[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const existing = Object.hasOwn(target, last) ? target[last] : undefined;
    const unfolded = unfoldDepthOverflow(child);
    defineOwn(
      target,
      last,
      isPlainObject(existing) && isPlainObject(unfolded) ? { ...existing, ...unfolded } : unfolded,
    );
  }
  return result;
}

/** Sets an own property even for names such as `__proto__`, which are then refused as unknown fields. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function single(value: unknown, param: string): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new InvalidQueryError(`"${param}" must be a single value.`);
}

export function parseNonNegativeInteger(value: unknown, param: string): number {
  const text = String(single(value, param)).trim();
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number)) {
    throw new InvalidQueryError(`"${param}" must be a non-negative integer, got ${show(value)}.`);
  }
  return number;
}

/**
 * `-1` means every row, as in Directus: `ALL_ROWS` (PostgreSQL reads a LIMIT this large as no
 * limit). With a `maxLimit`, asking for more than it, `-1` included, is refused and the maximum
 * said; never silently cut.
 */
export function parseLimit(value: unknown, param: string, limits: ItemQueryLimits): number {
  const text = String(single(value, param)).trim();
  const max = limits.maxLimit ?? null;
  if (text === '-1') {
    if (max === null) return ALL_ROWS;
    throw new InvalidQueryError(
      `"${param}" must not be greater than ${max}: -1 (every row) is not allowed here.`,
      { maxLimit: max },
    );
  }
  const limit = parseNonNegativeInteger(text, param);
  if (max !== null && limit > max) {
    throw new InvalidQueryError(`"${param}" must not be greater than ${max}, got ${limit}.`, {
      maxLimit: max,
    });
  }
  return limit;
}

/** `-date_created,id` → descending date_created, then ascending id. */
export function parseSort(value: unknown, param: string): SortField[] {
  return toStringList(value, param).map((item) => {
    const descending = item.startsWith('-');
    const field = descending ? item.slice(1) : item;
    if (!isFieldName(field)) {
      throw new InvalidQueryError(
        `"${param}": ${show(item)} is not a field name (expected "field" or "-field").`,
      );
    }
    return { field, direction: descending ? 'desc' : 'asc' };
  });
}
