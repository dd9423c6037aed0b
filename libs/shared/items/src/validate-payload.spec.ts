import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { InvalidPayloadError } from '@sid/shared/errors';
import { validatePayload } from './validate-payload';

class ExampleDto {
  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;

  @IsOptional()
  @IsString()
  reference_id?: string;
}

describe('validatePayload', () => {
  it('returns the typed DTO for a good body', () => {
    expect(validatePayload(ExampleDto, { quantity: 3, reference_id: 'r' })).toEqual({
      quantity: 3,
      reference_id: 'r',
    });
  });

  it.each([
    [{ quantity: 3, reference_id: 'a\u0000' }, 'reference_id'],
    [{ quantity: 3, reference_id: 'r', extra: { list: ['ok', 'b\u0000'] } }, 'extra.list[1]'],
    [{ quantity: 3, 'key\u0000': 1 }, 'key\\u0000'],
  ])('refuses a NUL anywhere in the body, naming where (%#)', (body, where) => {
    expect(() => validatePayload(ExampleDto, body)).toThrow(
      `"${where}" must not contain the NUL character`,
    );
  });

  it('names an unknown field', () => {
    expect(() => validatePayload(ExampleDto, { quantity: 3, quantiy: 4 })).toThrow(
      '"quantiy" is not a field that can be written.',
    );
  });

  it('lists every problem with the field name', () => {
    let error: unknown;
    try {
      validatePayload(ExampleDto, { quantity: 0, reference_id: 5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as Error).message).toMatch(/"quantity": must not be less than 1/);
    expect((error as Error).message).toMatch(/"reference_id": must be a string/);
  });

  it('says once that a required field is missing or null, not every rule it breaks', () => {
    expect(() => validatePayload(ExampleDto, {})).toThrow(/^"quantity" is required\.$/);
    expect(() => validatePayload(ExampleDto, { quantity: null })).toThrow(
      /^"quantity" must not be null\.$/,
    );
  });

  it('names only the wrong type when a value has one, not the rules about its size', () => {
    expect(() => validatePayload(ExampleDto, { quantity: '5' })).toThrow(
      /^"quantity": must be an integer number\.$/,
    );
  });

  it('refuses a body that is not an object', () => {
    expect(() => validatePayload(ExampleDto, [1])).toThrow(/JSON object/);
    expect(() => validatePayload(ExampleDto, null)).toThrow(/JSON object/);
  });
});
