import epcTds from 'epc-tds';
import {
  isSgtin96Serial,
  SGTIN96_SERIAL_LIMIT,
  sgtin96,
  sgtin96Encoder,
  sgtin96SerialGenerator,
} from './epc';
import { InvalidIdentifierError } from './identifier.exception';

describe('isSgtin96Serial', () => {
  it.each(['0', '1', '6789', '274877906943', '99999999999'])('accepts %s', (serial) => {
    expect(isSgtin96Serial(serial)).toBe(true);
  });

  it.each(['', '00', '0123', '274877906944', '999999999999', '1234567890123', 'A1', '-1', '1.0'])(
    'rejects %j',
    (serial) => {
      expect(isSgtin96Serial(serial)).toBe(false);
    },
  );
});

describe('sgtin96', () => {
  it('encodes the EPC Tag Data Standard example', () => {
    expect(sgtin96('80614141123458', 7, '6789', 3)).toEqual({
      epcUri: 'urn:epc:id:sgtin:0614141.812345.6789',
      epcHex: '3074257BF7194E4000001A85',
    });
  });

  it('uses filter 1 (point of sale) by default', () => {
    const { epcHex } = sgtin96('80614141123458', 7, '6789');
    expect(epcHex).toBe('3034257BF7194E4000001A85');
    expect(epcTds.valueOf(epcHex).getFilter()).toBe(1);
  });

  it('round-trips through the epc-tds decoder for every company prefix length', () => {
    const gtin = '10614141123459';
    for (let prefixLength = 6; prefixLength <= 12; prefixLength++) {
      for (const serial of ['0', '42', String(SGTIN96_SERIAL_LIMIT - 1n)]) {
        const { epcUri, epcHex } = sgtin96(gtin, prefixLength, serial, 2);
        expect(epcHex).toMatch(/^[0-9A-F]{24}$/);
        expect(epcUri).toBe(
          `urn:epc:id:sgtin:${gtin.slice(1, 1 + prefixLength)}.${gtin[0]}${gtin.slice(1 + prefixLength, 13)}.${serial}`,
        );
        const decoded = epcTds.valueOf(epcHex);
        expect(decoded.toIdURI()).toBe(epcUri);
        expect(decoded.toBarcode()).toBe(gtin);
      }
    }
  });

  it('encodes many serials of one GTIN exactly as a full epc-tds encoding of each', () => {
    const gtin = '10614141123459';
    for (let prefixLength = 6; prefixLength <= 12; prefixLength++) {
      const encode = sgtin96Encoder(gtin, prefixLength, 3);
      const serials = ['0', '1', String(SGTIN96_SERIAL_LIMIT - 1n)].concat(
        sgtin96SerialGenerator(12).batch(200),
        sgtin96SerialGenerator(5).batch(50),
      );
      for (const serial of serials) {
        const full = new epcTds.Sgtin96()
          .setFilter(3)
          .setPartition(12 - prefixLength)
          .setGtin(gtin)
          .setSerial(Number(serial));
        expect(encode(serial)).toEqual({ epcUri: full.toIdURI(), epcHex: full.toHexString() });
      }
    }
  });

  it('rejects what an SGTIN-96 cannot carry', () => {
    const gtin = '80614141123458';
    expect(() => sgtin96(gtin, 7, '0123')).toThrow(expect.objectContaining({ field: 'serial' }));
    expect(() => sgtin96(gtin, 7, '274877906944')).toThrow(
      expect.objectContaining({ field: 'serial' }),
    );
    expect(() => sgtin96(gtin, 7, 'ABC')).toThrow(InvalidIdentifierError);
    expect(() => sgtin96(gtin, 5, '1')).toThrow(
      expect.objectContaining({ field: 'company_prefix_length' }),
    );
    expect(() => sgtin96(gtin, 13, '1')).toThrow(InvalidIdentifierError);
    expect(() => sgtin96(gtin, 7, '1', 8)).toThrow(expect.objectContaining({ field: 'filter' }));
    expect(() => sgtin96('80614141123450', 7, '1')).toThrow(
      expect.objectContaining({ field: 'gtin' }),
    );
  });
});

describe('sgtin96SerialGenerator', () => {
  it.each([1, 6, 11])('makes %i-digit SGTIN-96 serials without a leading zero', (length) => {
    const codes = sgtin96SerialGenerator(length).batch(20_000);
    const pattern = new RegExp(`^[1-9][0-9]{${length - 1}}$`);
    expect(codes.filter((c) => !pattern.test(c) || !isSgtin96Serial(c))).toEqual([]);
  });

  it('at 12 digits keeps every serial below 2^38 while still using the top of the range', () => {
    const generator = sgtin96SerialGenerator(12);
    const codes = [...generator.batch(50_000), generator.next()];
    expect(codes).toHaveLength(50_001);
    const bad = codes.filter(
      (c) => !/^[12][0-9]{11}$/.test(c) || BigInt(c) >= SGTIN96_SERIAL_LIMIT,
    );
    expect(bad).toEqual([]);
    // About 40% of the accepted codes start with 2 (1e11 of them vs 0.75e11 from 2e11 to 2^38).
    expect(codes.filter((c) => c.startsWith('27')).length).toBeGreaterThan(0);
  });

  it.each([0, 13, 2.5])('rejects length %p', (length) => {
    expect(() => sgtin96SerialGenerator(length)).toThrow(
      expect.objectContaining({ field: 'length' }),
    );
  });
});
