import { InvalidPayloadError } from '@sid/shared/errors';
import { CollectionDefinition, FieldDefinition } from './collection-definition';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field without its own `maxLength` takes this one. */
export const DEFAULT_MAX_STRING_LENGTH = 2000;

/** What PostgreSQL's `integer` and `bigint` columns hold. */
const INTEGER_RANGE = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const BIG_INTEGER_RANGE = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

/**
 * The column-level half of validating a write, derived from the collection's field definitions:
 * no NUL character anywhere (PostgreSQL text and jsonb cannot hold one), strings no longer than
 * their field allows, integers inside their column's range, numbers finite. It runs on every
 * write before the writer's own rules, so what the database would refuse with a 500 is a 400
 * naming the field. Type and shape rules stay in each collection's DTO.
 */
export function assertColumnValues(
  definition: CollectionDefinition,
  input: Record<string, unknown>,
): void {
  assertNoNul(input, '');
  for (const [name, value] of Object.entries(input)) {
    const field = Object.hasOwn(definition.fields, name) ? definition.fields[name] : undefined;
    if (field && value !== null && value !== undefined) assertFieldValue(name, field, value);
  }
}

function assertFieldValue(name: string, field: FieldDefinition, value: unknown): void {
  switch (field.type) {
    case 'string': {
      const max = field.maxLength ?? DEFAULT_MAX_STRING_LENGTH;
      if (typeof value === 'string' && value.length > max) {
        throw new InvalidPayloadError(
          `"${name}" must be at most ${max} characters long, got ${value.length}.`,
          { field: name },
        );
      }
      return;
    }
    case 'integer':
    case 'bigInteger': {
      if (typeof value !== 'number') return;
      const range = field.type === 'integer' ? INTEGER_RANGE : BIG_INTEGER_RANGE;
      if (!Number.isInteger(value) || value < range.min || value > range.max) {
        throw new InvalidPayloadError(
          `"${name}" must be an integer between ${range.min} and ${range.max}, got ${value}.`,
          { field: name },
        );
      }
      return;
    }
    case 'float':
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new InvalidPayloadError(`"${name}" must be a finite number.`, { field: name });
      }
      return;
    default:
      return;
  }
}

/** PostgreSQL refuses U+0000 in text and jsonb (22021 / 22P05): refuse it first, by path. */
export function assertNoNul(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      const field = path || 'value';
      throw new InvalidPayloadError(`"${field}" must not contain the NUL character (\\u0000).`, {
        field,
      });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoNul(item, `${path}[${index}]`));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      assertNoNul(key, childPath);
      assertNoNul(child, childPath);
    }
  }
}
