import epcTds from 'epc-tds';
import { buildGrai, graiBaseFromGtin, isValidGrai } from './grai';
import { hasValidCheckDigit } from './gs1-check-digit';
import { InvalidIdentifierError } from './identifier.exception';

describe('graiBaseFromGtin', () => {
  it('drops the indicator digit and recomputes the check digit', () => {
    // GTIN 8 0614141 12345 8 -> GRAI 0 0614141 12345 2 (EPC TDS example grai:0614141.12345)
    expect(graiBaseFromGtin('80614141123458')).toBe('00614141123452');
    expect(graiBaseFromGtin('09506000134352')).toBe('09506000134352');
  });

  it('always yields 14 digits with a leading zero and a valid check digit', () => {
    for (const gtin of ['00012345600012', '10614141123459', '04006381333931', '99999999999997']) {
      const base = graiBaseFromGtin(gtin);
      expect(base).toMatch(/^0\d{13}$/);
      expect(base.slice(1, 13)).toBe(gtin.slice(1, 13));
      expect(hasValidCheckDigit(base)).toBe(true);
    }
  });

  it('rejects an invalid GTIN-14', () => {
    expect(() => graiBaseFromGtin('80614141123450')).toThrow(
      expect.objectContaining({ field: 'gtin' }),
    );
    expect(() => graiBaseFromGtin('4006381333931')).toThrow(InvalidIdentifierError);
  });
});

describe('buildGrai', () => {
  it('matches the EPC Tag Data Standard GRAI-170 example urn:epc:id:grai:0614141.12345.400', () => {
    const fromTds = epcTds.fromTagURI('urn:epc:tag:grai-170:0.0614141.12345.400');
    const tdsGrai = 'getGrai' in fromTds ? fromTds.getGrai() : '';
    // epc-tds prints the 13-digit GRAI + serial; AI 8003 adds the leading zero.
    expect(buildGrai('80614141123458', '400')).toBe(`0${tdsGrai}`);
    expect(buildGrai('80614141123458', '400')).toBe('00614141123452400');
  });

  it('accepts 1 to 16 characters of CSet 82', () => {
    expect(buildGrai('80614141123458', 'A'.repeat(16))).toHaveLength(30);
    expect(buildGrai('80614141123458', `a-Z/%'`)).toBe(`00614141123452a-Z/%'`);
  });

  it.each(['', 'A'.repeat(17), 'AB C', 'AB#'])('rejects the serial %j', (serial) => {
    expect(() => buildGrai('80614141123458', serial)).toThrow(
      expect.objectContaining({ field: 'serial' }),
    );
  });
});

describe('isValidGrai', () => {
  it.each(['00614141123452', '00614141123452400', `00614141123452${'z'.repeat(16)}`])(
    'accepts %s',
    (grai) => {
      expect(isValidGrai(grai)).toBe(true);
    },
  );

  it.each([
    '00614141123453400', // wrong check digit
    '10614141123452400', // must start with 0
    '0061414112345', // too short
    `00614141123452${'z'.repeat(17)}`,
    '00614141123452a b',
  ])('rejects %s', (grai) => {
    expect(isValidGrai(grai)).toBe(false);
  });
});
