import { CHARACTER_SETS, CharacterSet, isCharacterSet } from './character-sets';
import { encodeAiValue } from './digital-link';
import { isCset82 } from './gs1-character-set';

const ALL = Object.entries(CHARACTER_SETS) as [CharacterSet, string][];

describe('CHARACTER_SETS', () => {
  it.each([
    ['alphanumeric', 62],
    ['numeric', 10],
    ['alphabetic', 52],
    ['uppercase', 36],
    ['hex', 16],
    ['unambiguous', 31],
  ] as const)('%s has %i characters', (name, size) => {
    expect(CHARACTER_SETS[name]).toHaveLength(size);
  });

  it.each(ALL)('%s has no repeated character', (_name, alphabet) => {
    expect(new Set(alphabet).size).toBe(alphabet.length);
  });

  it.each(ALL)('%s is inside GS1 CSet 82 and URI-unreserved', (_name, alphabet) => {
    expect(isCset82(alphabet)).toBe(true);
    expect(encodeAiValue(alphabet)).toBe(alphabet);
  });

  it('has the expected members', () => {
    expect(CHARACTER_SETS.numeric).toMatch(/^[0-9]+$/);
    expect(CHARACTER_SETS.alphabetic).toMatch(/^[A-Za-z]+$/);
    expect(CHARACTER_SETS.uppercase).toMatch(/^[A-Z0-9]+$/);
    expect(CHARACTER_SETS.hex).toMatch(/^[0-9A-F]+$/);
    expect(CHARACTER_SETS.alphanumeric).toMatch(/^[0-9A-Za-z]+$/);
  });

  it('unambiguous is upper case and digits without 0, O, 1, I, L', () => {
    const expected = [...CHARACTER_SETS.uppercase].filter((c) => !'0O1IL'.includes(c));
    expect([...CHARACTER_SETS.unambiguous].sort()).toEqual(expected.sort());
  });
});

describe('isCharacterSet', () => {
  it.each(ALL.map(([name]) => name))('accepts %s', (name) => {
    expect(isCharacterSet(name)).toBe(true);
  });

  it.each(['Alphanumeric', 'base64', '', 'toString', 'constructor', 42, null, undefined])(
    'rejects %p',
    (value) => {
      expect(isCharacterSet(value)).toBe(false);
    },
  );
});
