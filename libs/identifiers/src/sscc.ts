import { gs1CheckDigit } from './gs1-check-digit';
import { InvalidIdentifierError } from './identifier.exception';

/**
 * How many SSCCs one extension digit gives a company: the serial reference fills the
 * 16 - (prefix length) digits between the prefix and the check digit, so 10^(16 - length).
 */
export function ssccSerialCapacity(companyPrefix: string): bigint {
  assertCompanyPrefix(companyPrefix);
  return 10n ** BigInt(16 - companyPrefix.length);
}

/**
 * SSCC-18: extension digit + GS1 company prefix + serial reference (zero-padded to
 * 16 - prefix length digits) + check digit.
 */
export function buildSscc(
  extensionDigit: number,
  companyPrefix: string,
  serialReference: bigint,
): string {
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) {
    throw new InvalidIdentifierError(
      `SSCC extension digit must be 0 to 9, got ${extensionDigit}`,
      'sscc_extension_digit',
    );
  }
  const capacity = ssccSerialCapacity(companyPrefix);
  if (serialReference < 0n || serialReference >= capacity) {
    throw new InvalidIdentifierError(
      `SSCC serial reference ${serialReference} is out of range: with the ${companyPrefix.length}-digit company prefix ${companyPrefix} it must be 0 to ${capacity - 1n}`,
      'sscc_start_serial',
    );
  }
  const body =
    String(extensionDigit) +
    companyPrefix +
    serialReference.toString().padStart(16 - companyPrefix.length, '0');
  return body + gs1CheckDigit(body);
}

function assertCompanyPrefix(companyPrefix: string): void {
  if (!/^\d{4,12}$/.test(companyPrefix)) {
    throw new InvalidIdentifierError(
      `GS1 company prefix "${companyPrefix}" must be 4 to 12 digits`,
      'sscc_company_prefix',
    );
  }
}
