import { randomFillSync } from 'node:crypto';
import { CHARACTER_SETS } from './character-sets';
import { InvalidIdentifierError } from './identifier.exception';
import { RandomCodeGenerator } from './random-codes';

/**
 * Pearson chi-square goodness-of-fit against the uniform distribution. The critical value is
 * for a false-alarm probability of 1e-6 (Wilson-Hilferty approximation, z = 4.753), so a correct
 * generator essentially never fails, while a modulo-biased one fails by a wide margin.
 */
function isUniform(text: string, alphabet: string): { statistic: number; critical: number } {
  const index = new Map([...alphabet].map((c, i) => [c.charCodeAt(0), i]));
  const counts = new Array<number>(alphabet.length).fill(0);
  for (let i = 0; i < text.length; i++) {
    const k = index.get(text.charCodeAt(i));
    if (k === undefined) throw new Error(`character ${text[i]} is not in the alphabet`);
    counts[k]++;
  }
  const expected = text.length / alphabet.length;
  const statistic = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  const df = alphabet.length - 1;
  const z = 4.753;
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { statistic, critical };
}

/** The classic mistake: alphabet[byte % n] with no rejection. */
function moduloBiasedText(alphabet: string, chars: number): string {
  const bytes = randomFillSync(Buffer.alloc(chars));
  const out = Buffer.alloc(chars);
  for (let i = 0; i < chars; i++) out[i] = alphabet.charCodeAt(bytes[i] % alphabet.length);
  return out.toString('latin1');
}

const DRAWS = 2_000_000;

describe('RandomCodeGenerator', () => {
  describe.each([
    ['alphanumeric (62)', CHARACTER_SETS.alphanumeric],
    ['numeric (10)', CHARACTER_SETS.numeric],
  ])('character frequencies on %s', (_name, alphabet) => {
    it('pass a chi-square test over 2,000,000 draws', () => {
      const codes = new RandomCodeGenerator(alphabet, 8).batch(DRAWS / 8);
      const { statistic, critical } = isUniform(codes.join(''), alphabet);
      expect(statistic).toBeLessThan(critical);
    });

    it('the same test rejects a modulo-biased sampler', () => {
      const { statistic, critical } = isUniform(moduloBiasedText(alphabet, DRAWS), alphabet);
      expect(statistic).toBeGreaterThan(critical);
    });
  });

  it('draws the first character uniformly from firstAlphabet and never elsewhere', () => {
    const generator = new RandomCodeGenerator(CHARACTER_SETS.numeric, 6, {
      firstAlphabet: '123456789',
    });
    const codes = generator.batch(200_000);
    const firsts = codes.map((c) => c[0]).join('');
    expect(firsts).not.toContain('0');
    expect(isUniform(firsts, '123456789').statistic).toBeLessThan(
      isUniform(firsts, '123456789').critical,
    );
    const rest = codes.map((c) => c.slice(1)).join('');
    expect(isUniform(rest, CHARACTER_SETS.numeric).statistic).toBeLessThan(
      isUniform(rest, CHARACTER_SETS.numeric).critical,
    );
  });

  it('makes codes of the right length from the alphabet, with next() and across batch chunks', () => {
    const alphabet = CHARACTER_SETS.unambiguous;
    const generator = new RandomCodeGenerator(alphabet, 11);
    const codes = [...generator.batch(10_001), generator.next(), generator.next()];
    expect(codes).toHaveLength(10_003);
    const pattern = new RegExp(`^[${alphabet}]{11}$`);
    expect(codes.filter((c) => !pattern.test(c))).toEqual([]);
  });

  it('does not repeat codes in a large sparse space', () => {
    // 62^8 = 2.2e14 possible codes: the chance of any repeat among 200,000 is about 1e-4.
    const codes = new RandomCodeGenerator(CHARACTER_SETS.alphanumeric, 8).batch(200_000);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('returns an empty batch for 0 and rejects bad counts', () => {
    const generator = new RandomCodeGenerator('AB', 3);
    expect(generator.batch(0)).toEqual([]);
    expect(() => generator.batch(-1)).toThrow(InvalidIdentifierError);
    expect(() => generator.batch(1.5)).toThrow(InvalidIdentifierError);
  });

  it('works with a one-character alphabet', () => {
    expect(new RandomCodeGenerator('Z', 4).batch(3)).toEqual(['ZZZZ', 'ZZZZ', 'ZZZZ']);
  });

  it.each([
    ['an empty alphabet', '', 8, undefined, 'alphabet'],
    ['a repeated character', 'ABCA', 8, undefined, 'alphabet'],
    ['a space', 'AB C', 8, undefined, 'alphabet'],
    ['a non-ASCII character', 'ABCé', 8, undefined, 'alphabet'],
    ['an empty first alphabet', 'ABC', 8, '', 'firstAlphabet'],
    ['a zero length', 'ABC', 0, undefined, 'length'],
    ['a fractional length', 'ABC', 2.5, undefined, 'length'],
  ])('rejects %s', (_what, alphabet, length, firstAlphabet, field) => {
    expect(() => new RandomCodeGenerator(alphabet, length, { firstAlphabet })).toThrow(
      expect.objectContaining({ name: 'InvalidIdentifierError', field }),
    );
  });
});
