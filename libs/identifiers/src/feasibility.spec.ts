import { checkCodeSpace, MAX_CODE_LENGTH } from './feasibility';
import { InvalidIdentifierError } from './identifier.exception';

describe('checkCodeSpace', () => {
  it('refuses 1,000,000 numeric codes of length 6 and suggests length 9', () => {
    expect(
      checkCodeSpace({
        quantity: 1_000_000,
        existing: 0,
        length: 6,
        alphabetSize: 10,
        label: 'numeric',
      }),
    ).toEqual({
      ok: false,
      message:
        '1000000 numeric codes of length 6 would fill 100% of a space of 1000000; use length 9 or more',
      suggestedLength: 9,
    });
  });

  it('accepts 1,000,000 alphanumeric codes of length 8 (62^8 = 2.2e14)', () => {
    expect(
      checkCodeSpace({ quantity: 1_000_000, existing: 0, length: 8, alphabetSize: 62 }),
    ).toEqual({ ok: true });
  });

  it('is exactly at the 1000x boundary', () => {
    const base = { existing: 0, length: 6, alphabetSize: 10 };
    expect(checkCodeSpace({ ...base, quantity: 1000 })).toEqual({ ok: true });
    expect(checkCodeSpace({ ...base, quantity: 1001 })).toMatchObject({
      ok: false,
      suggestedLength: 7,
    });
  });

  it('counts codes already issued', () => {
    const request = { quantity: 600, length: 6, alphabetSize: 10 };
    expect(checkCodeSpace({ ...request, existing: 400 })).toEqual({ ok: true });
    const check = checkCodeSpace({ ...request, existing: 401 });
    expect(check).toMatchObject({ ok: false, suggestedLength: 7 });
    expect(check.ok || check.message).toContain('on top of 401 already issued');
  });

  it('uses the first-character alphabet size', () => {
    // 9 x 10^5 = 900,000 codes of length 6 without a leading zero.
    const request = { existing: 0, length: 6, alphabetSize: 10, firstAlphabetSize: 9 };
    expect(checkCodeSpace({ ...request, quantity: 900 })).toEqual({ ok: true });
    expect(checkCodeSpace({ ...request, quantity: 901 })).toMatchObject({ ok: false });
  });

  it('says when the codes do not fit at all', () => {
    const check = checkCodeSpace({ quantity: 2000, existing: 0, length: 3, alphabetSize: 10 });
    expect(check).toEqual({
      ok: false,
      message: '2000 codes of length 3 do not fit in a space of 1000; use length 7 or more',
      suggestedLength: 7,
    });
  });

  it('computes huge spaces exactly (62^20 overflows exact doubles)', () => {
    const request = { existing: 0, alphabetSize: 62, quantity: Number.MAX_SAFE_INTEGER };
    expect(checkCodeSpace({ ...request, length: MAX_CODE_LENGTH })).toEqual({ ok: true });
    // Needed: 1000 x 9.007e15 = 9.0e18; 62^10 = 8.4e17 is too small, 62^11 = 5.2e19 is enough.
    expect(checkCodeSpace({ ...request, length: 10 })).toMatchObject({
      ok: false,
      suggestedLength: 11,
    });
  });

  it('asks for a larger character set when even length 20 is too short', () => {
    // 2^20 = 1,048,576 < 1000 x 1,000,000
    const check = checkCodeSpace({ quantity: 1_000_000, existing: 0, length: 8, alphabetSize: 2 });
    expect(check).toMatchObject({ ok: false, suggestedLength: MAX_CODE_LENGTH });
    expect(check.ok || check.message).toContain('use a larger one');
  });

  it.each([
    [{ quantity: -1 }, 'quantity'],
    [{ quantity: 1.5 }, 'quantity'],
    [{ existing: -3 }, 'existing'],
    [{ length: 0 }, 'length'],
    [{ length: 21 }, 'length'],
    [{ alphabetSize: 0 }, 'alphabetSize'],
    [{ firstAlphabetSize: 0 }, 'firstAlphabetSize'],
  ])('rejects %j', (override, field) => {
    const request = { quantity: 10, existing: 0, length: 8, alphabetSize: 10, ...override };
    expect(() => checkCodeSpace(request)).toThrow(InvalidIdentifierError);
    expect(() => checkCodeSpace(request)).toThrow(expect.objectContaining({ field }));
  });
});
