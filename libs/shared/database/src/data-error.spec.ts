import { InvalidPayloadError } from '@sid/shared/errors';
import { translateDataError } from './data-error';

const pg = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe('translateDataError', () => {
  it('names the input field holding the value PostgreSQL quotes', () => {
    const error = translateDataError(
      pg('22003', 'value "2147483648" is out of range for type integer'),
      { product: '/01/x', min_unassigned: 2147483648 },
    );
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).message).toBe(
      '"min_unassigned" is out of range for its field.',
    );
    expect((error as InvalidPayloadError).extensions).toEqual({ field: 'min_unassigned' });
  });

  it('reads through TypeORM driverError and says "a value" when no field can be told', () => {
    const error = translateDataError({
      driverError: pg('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
    });
    expect((error as InvalidPayloadError).message).toMatch(/^A value contains a character/);
  });

  it('leaves every other error alone', () => {
    const unique = pg('23505', 'duplicate key');
    expect(translateDataError(unique)).toBe(unique);
    const plain = new Error('boom');
    expect(translateDataError(plain)).toBe(plain);
  });
});
