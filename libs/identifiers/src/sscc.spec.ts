import epcTds from 'epc-tds';
import { hasValidCheckDigit } from './gs1-check-digit';
import { InvalidIdentifierError } from './identifier.exception';
import { buildSscc, ssccSerialCapacity } from './sscc';

describe('ssccSerialCapacity', () => {
  it.each([
    ['0614141', 10n ** 9n],
    ['9312345', 10n ** 9n],
    ['1234', 10n ** 12n],
    ['123456789012', 10n ** 4n],
  ])('prefix %s leaves room for %d serials', (prefix, capacity) => {
    expect(ssccSerialCapacity(prefix)).toBe(capacity);
  });

  it.each(['123', '1234567890123', '06141A1', ''])('rejects the prefix %j', (prefix) => {
    expect(() => ssccSerialCapacity(prefix)).toThrow(
      expect.objectContaining({ field: 'sscc_company_prefix' }),
    );
  });
});

describe('buildSscc', () => {
  it('builds the GS1 General Specifications example (00) 106141411234567897', () => {
    expect(buildSscc(1, '0614141', 123456789n)).toBe('106141411234567897');
  });

  it('matches the EPC Tag Data Standard example urn:epc:id:sscc:0614141.1234567890', () => {
    const fromTds = epcTds.fromTagURI('urn:epc:tag:sscc-96:0.0614141.1234567890');
    expect('getSscc' in fromTds && fromTds.getSscc()).toBe(buildSscc(1, '0614141', 234567890n));
    expect(buildSscc(1, '0614141', 234567890n)).toBe('106141412345678908');
  });

  it('zero-pads the serial reference and ends in a valid check digit', () => {
    for (const prefix of ['1234', '0614141', '123456789012']) {
      for (const serial of [0n, 7n, ssccSerialCapacity(prefix) - 1n]) {
        const sscc = buildSscc(3, prefix, serial);
        expect(sscc).toMatch(/^\d{18}$/);
        expect(sscc.startsWith(`3${prefix}`)).toBe(true);
        expect(BigInt(sscc.slice(1 + prefix.length, 17))).toBe(serial);
        expect(hasValidCheckDigit(sscc)).toBe(true);
      }
    }
  });

  it('rejects serial references outside the capacity', () => {
    expect(() => buildSscc(0, '0614141', 10n ** 9n)).toThrow(
      expect.objectContaining({ field: 'sscc_start_serial' }),
    );
    expect(() => buildSscc(0, '0614141', -1n)).toThrow(InvalidIdentifierError);
  });

  it.each([-1, 10, 1.5])('rejects the extension digit %p', (extension) => {
    expect(() => buildSscc(extension, '0614141', 1n)).toThrow(
      expect.objectContaining({ field: 'sscc_extension_digit' }),
    );
  });
});
