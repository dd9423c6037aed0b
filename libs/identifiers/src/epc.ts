import epcTds from 'epc-tds';
import { CHARACTER_SETS } from './character-sets';
import { assertGtin14 } from './gs1-check-digit';
import { InvalidIdentifierError } from './identifier.exception';
import { CodeGenerator, RandomCodeGenerator } from './random-codes';

/** SGTIN-96 stores the serial as a 38-bit integer. */
export const SGTIN96_SERIAL_LIMIT = 2n ** 38n; // 274877906944, 12 digits

/** Longest serial whose every value is below 2^38 (10^11 - 1 < 2^38 < 10^12). */
const ALWAYS_SAFE_DIGITS = 11;

export interface Sgtin96Epc {
  /** Pure identity URI, e.g. urn:epc:id:sgtin:0614141.812345.6789 */
  epcUri: string;
  /** The 96-bit EPC as 24 upper-case hex digits, e.g. 3074257BF7194E4000001A85 */
  epcHex: string;
}

/**
 * True if `serial` can be carried by an SGTIN-96 tag: a decimal integer below 2^38 written
 * without leading zeros ('0' itself is allowed), since the tag stores a number, not the text.
 */
export function isSgtin96Serial(serial: string): boolean {
  return /^(?:0|[1-9]\d{0,11})$/.test(serial) && BigInt(serial) < SGTIN96_SERIAL_LIMIT;
}

/**
 * SGTIN-96 encoding of (GTIN-14, serial). `companyPrefixLength` (6-12) splits the GTIN into company
 * prefix and item reference (the EPC needs it; the GTIN alone does not tell). `filter` (0-7) is the
 * tag filter value, 1 = point-of-sale trade item.
 */
export function sgtin96(
  gtin14: string,
  companyPrefixLength: number,
  serial: string,
  filter = 1,
): Sgtin96Epc {
  return sgtin96Encoder(gtin14, companyPrefixLength, filter)(serial);
}

/**
 * `sgtin96` for many serials of one GTIN: the GTIN, prefix length and filter are checked and
 * encoded once (epc-tds, with serial 0); every serial then only fills the low 38 bits, which
 * is what SGTIN-96 keeps it in. About forty times cheaper per code than a full encoding.
 */
export function sgtin96Encoder(
  gtin14: string,
  companyPrefixLength: number,
  filter = 1,
): (serial: string) => Sgtin96Epc {
  assertGtin14(gtin14);
  if (
    !Number.isInteger(companyPrefixLength) ||
    companyPrefixLength < 6 ||
    companyPrefixLength > 12
  ) {
    throw new InvalidIdentifierError(
      `Company prefix length must be 6 to 12 for an SGTIN-96, got ${companyPrefixLength}`,
      'company_prefix_length',
    );
  }
  if (!Number.isInteger(filter) || filter < 0 || filter > 7) {
    throw new InvalidIdentifierError(`EPC filter value must be 0 to 7, got ${filter}`, 'filter');
  }
  const zero = new epcTds.Sgtin96()
    .setFilter(filter)
    .setPartition(12 - companyPrefixLength)
    .setGtin(gtin14)
    .setSerial(0);
  const uriPrefix = zero.toIdURI().slice(0, -1);
  const base = BigInt(`0x${zero.toHexString()}`);
  return (serial) => {
    if (!isSgtin96Serial(serial)) {
      throw new InvalidIdentifierError(
        `Serial "${serial}" cannot be encoded in an SGTIN-96: it must be a whole number below ${SGTIN96_SERIAL_LIMIT} without leading zeros`,
        'serial',
      );
    }
    return {
      epcUri: uriPrefix + serial,
      epcHex: (base | BigInt(serial)).toString(16).toUpperCase().padStart(24, '0'),
    };
  };
}

/**
 * Random serials that always fit an SGTIN-96 (numeric, no leading zero, below 2^38).
 *
 * This is the plain RandomCodeGenerator over the numeric alphabet with firstAlphabet '123456789':
 * up to 11 digits every value is below 10^11 < 2^38. At 12 digits the first digit is drawn from
 * '12' and codes at or above 2^38 (274877906944) are thrown away and redrawn, which keeps the
 * remaining codes uniform; 13 digits and more can never fit.
 */
export function sgtin96SerialGenerator(length: number): CodeGenerator {
  if (!Number.isInteger(length) || length < 1 || length > ALWAYS_SAFE_DIGITS + 1) {
    throw new InvalidIdentifierError(
      `An SGTIN-96 serial has 1 to ${ALWAYS_SAFE_DIGITS + 1} digits, got length ${length}`,
      'length',
    );
  }
  if (length <= ALWAYS_SAFE_DIGITS) {
    return new RandomCodeGenerator(CHARACTER_SETS.numeric, length, { firstAlphabet: '123456789' });
  }
  const digits = new RandomCodeGenerator(CHARACTER_SETS.numeric, length, { firstAlphabet: '12' });
  const next = (): string => {
    for (;;) {
      const code = digits.next();
      if (BigInt(code) < SGTIN96_SERIAL_LIMIT) return code;
    }
  };
  return {
    next,
    batch: (count) => {
      const codes: string[] = [];
      while (codes.length < count) {
        for (const code of digits.batch(count - codes.length)) {
          if (BigInt(code) < SGTIN96_SERIAL_LIMIT) codes.push(code);
        }
      }
      return codes;
    },
  };
}
