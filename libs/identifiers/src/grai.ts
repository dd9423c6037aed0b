import { assertGtin14, gs1CheckDigit, hasValidCheckDigit } from './gs1-check-digit';
import { isCset82 } from './gs1-character-set';
import { InvalidIdentifierError } from './identifier.exception';

/** The serial component of a GRAI (AI 8003) is up to 16 characters of GS1 character set 82. */
export const GRAI_SERIAL_MAX_LENGTH = 16;

/**
 * The 14-digit fixed part of an AI 8003 GRAI for assets of the type identified by `gtin14`:
 * '0' + the 12 digits between the GTIN's indicator digit and its check digit (company prefix +
 * reference, used as the asset type) + their recomputed check digit.
 */
export function graiBaseFromGtin(gtin14: string): string {
  assertGtin14(gtin14);
  const companyPrefixAndType = gtin14.slice(1, 13);
  return `0${companyPrefixAndType}${gs1CheckDigit(companyPrefixAndType)}`;
}

/** A full GRAI: `graiBaseFromGtin(gtin14)` followed by a serial of 1 to 16 CSet 82 characters. */
export function buildGrai(gtin14: string, serial: string): string {
  if (serial.length < 1 || serial.length > GRAI_SERIAL_MAX_LENGTH || !isCset82(serial)) {
    throw new InvalidIdentifierError(
      `GRAI serial "${serial}" must be 1 to ${GRAI_SERIAL_MAX_LENGTH} characters of GS1 character set 82`,
      'serial',
    );
  }
  return graiBaseFromGtin(gtin14) + serial;
}

/**
 * True if `grai` is a valid AI 8003 value: '0', a 13-digit GRAI (company prefix, asset type, check
 * digit), then an optional serial of up to 16 CSet 82 characters.
 */
export function isValidGrai(grai: string): boolean {
  const base = grai.slice(0, 14);
  const serial = grai.slice(14);
  return (
    /^0\d{13}$/.test(base) &&
    hasValidCheckDigit(base) &&
    serial.length <= GRAI_SERIAL_MAX_LENGTH &&
    isCset82(serial)
  );
}

export function assertValidGrai(grai: string): void {
  if (!isValidGrai(grai)) {
    throw new InvalidIdentifierError(
      `"${grai}" is not a GRAI: '0' + 13 digits ending in a valid check digit, then up to ${GRAI_SERIAL_MAX_LENGTH} characters of GS1 character set 82`,
      'grai',
    );
  }
}
