import { InvalidPayloadError } from '@sid/shared/errors';
import { CollectionDefinition } from './collection-definition';
import { assertColumnValues, DEFAULT_MAX_STRING_LENGTH } from './column-values';

const THING: CollectionDefinition = {
  name: 'thing',
  table: 'thing',
  primaryKey: 'id',
  fields: {
    id: { type: 'uuid' },
    host: { type: 'string', maxLength: 10 },
    note: { type: 'string' },
    count: { type: 'integer' },
    serial: { type: 'bigInteger' },
    weight: { type: 'float' },
    data: { type: 'json' },
  },
};

function refusal(input: Record<string, unknown>): { message: string; field?: unknown } | null {
  try {
    assertColumnValues(THING, input);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return {
      message: (error as Error).message,
      field: (error as InvalidPayloadError).extensions.field,
    };
  }
}

describe('assertColumnValues', () => {
  it('accepts values that fit their columns, and leaves types to the DTOs', () => {
    expect(
      refusal({
        host: 'a'.repeat(10),
        note: 'x'.repeat(DEFAULT_MAX_STRING_LENGTH),
        count: 2147483647,
        serial: -9007199254740991,
        weight: 1e300,
        data: [{ a: 'b' }],
        unknown_field: 'left to the DTO',
        count_as_text: '12',
      }),
    ).toBeNull();
    expect(refusal({ count: '99999999999' })).toBeNull(); // a string: the DTO's type rule says so
  });

  it('refuses a string longer than its field, naming it', () => {
    expect(refusal({ host: 'a'.repeat(11) })).toEqual({
      message: '"host" must be at most 10 characters long, got 11.',
      field: 'host',
    });
    expect(refusal({ note: 'x'.repeat(DEFAULT_MAX_STRING_LENGTH + 1) })?.field).toBe('note');
  });

  it("refuses integers outside their column's range and fractions", () => {
    expect(refusal({ count: 2147483648 })?.field).toBe('count');
    expect(refusal({ count: -2147483649 })?.field).toBe('count');
    expect(refusal({ count: 1.5 })?.field).toBe('count');
    expect(refusal({ serial: 1e30 })?.field).toBe('serial');
  });

  it('refuses NUL anywhere, in values, nested JSON and keys, by path', () => {
    expect(refusal({ note: 'a\u0000b' })?.field).toBe('note');
    expect(refusal({ data: [{ a: ['ok', 'b\u0000'] }] })?.field).toBe('data[0].a[1]');
    expect(refusal({ data: { ['k\u0000']: 1 } })?.field).toBe('data.k\u0000');
    expect(refusal({ not_a_field: '\u0000' })?.field).toBe('not_a_field');
  });
});
