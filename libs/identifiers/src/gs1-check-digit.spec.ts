import { randomInt } from 'node:crypto';
import epcTds from 'epc-tds';
import { gs1CheckDigit, hasValidCheckDigit, normalizeGtin } from './gs1-check-digit';
import { InvalidIdentifierError } from './identifier.exception';

// Published GS1 / EPC TDS examples (each re-checked by hand: sum with weights 3,1 from the right).
const PUBLISHED = [
  '00012345600012', // GTIN-14 (GS1 General Specifications)
  '4006381333931', // GTIN-13 (EAN-13 example)
  '09506000134352', // GTIN-14 (GS1 Digital Link standard)
  '80614141123458', // GTIN-14 (EPC Tag Data Standard, SGTIN example)
  '012345678905', // GTIN-12 (UPC-A)
  '96385074', // GTIN-8 (EAN-8)
  '106141411234567897', // SSCC-18 (GS1 General Specifications)
  '9312345000012', // GLN (GS1 Australia)
];

function randomDigits(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String(randomInt(10));
  return s;
}

describe('gs1CheckDigit', () => {
  it.each(PUBLISHED)('gives the published check digit of %s', (full) => {
    expect(gs1CheckDigit(full.slice(0, -1))).toBe(Number(full.slice(-1)));
  });

  it('agrees with the epc-tds implementation on random inputs of every GS1 length', () => {
    for (const length of [7, 11, 12, 13, 16, 17]) {
      for (let i = 0; i < 200; i++) {
        const body = randomDigits(length);
        expect(gs1CheckDigit(body)).toBe(epcTds.Utils.computeCheckDigit(body));
      }
    }
  });

  it('ignores leading zeros (GTIN-8/12/13 keep their check digit as GTIN-14)', () => {
    expect(gs1CheckDigit('0000400638133393')).toBe(gs1CheckDigit('400638133393'));
  });

  it('rejects non-digits', () => {
    expect(() => gs1CheckDigit('12a4')).toThrow(InvalidIdentifierError);
    expect(() => gs1CheckDigit('')).toThrow(InvalidIdentifierError);
  });
});

describe('hasValidCheckDigit', () => {
  it.each(PUBLISHED)('accepts %s', (full) => {
    expect(hasValidCheckDigit(full)).toBe(true);
  });

  it('detects every single-digit error in a GTIN-14', () => {
    const gtin = '09506000134352';
    for (let i = 0; i < gtin.length; i++) {
      for (let d = 0; d < 10; d++) {
        if (String(d) === gtin[i]) continue;
        const altered = gtin.slice(0, i) + d + gtin.slice(i + 1);
        expect(hasValidCheckDigit(altered)).toBe(false);
      }
    }
  });

  it('rejects too short and non-numeric input', () => {
    expect(hasValidCheckDigit('0')).toBe(false);
    expect(hasValidCheckDigit('0950600013435X')).toBe(false);
    expect(hasValidCheckDigit(' 09506000134352')).toBe(false);
  });
});

describe('normalizeGtin', () => {
  it.each([
    ['96385074', '00000096385074'],
    ['012345678905', '00012345678905'],
    ['4006381333931', '04006381333931'],
    ['09506000134352', '09506000134352'],
    ['  4006381333931\n', '04006381333931'],
  ])('turns %j into GTIN-14 %s', (input, expected) => {
    expect(normalizeGtin(input)).toBe(expected);
  });

  it('rejects non-digits on the gtin field', () => {
    expect(() => normalizeGtin('4006381-33931')).toThrow(
      expect.objectContaining({ field: 'gtin', message: expect.stringContaining('digits only') }),
    );
  });

  it.each(['1234567', '12345678901', '123456789012345', ''])(
    'rejects the length of %j',
    (input) => {
      expect(() => normalizeGtin(input)).toThrow(InvalidIdentifierError);
    },
  );

  it('names the expected check digit', () => {
    expect(() => normalizeGtin('09506000134350')).toThrow(
      expect.objectContaining({
        field: 'gtin',
        message: expect.stringContaining('expected 2, got 0'),
      }),
    );
  });
});
