import { assertGtin14, hasValidCheckDigit } from './gs1-check-digit';
import { isCset82 } from './gs1-character-set';
import { assertValidGrai } from './grai';
import { InvalidIdentifierError } from './identifier.exception';

/** AI 21 (serial number): 1 to 20 characters of GS1 character set 82. */
export const AI21_MAX_LENGTH = 20;

/** Characters of a GS1 Digital Link path value that stay as they are (RFC 3986 unreserved). */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
/** Characters encodeURIComponent leaves alone but that are not unreserved. */
const SUB_DELIMS_LEFT_BY_ENCODE_URI = /[!'()*]/g;

const HOST_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * Percent-encodes an AI value for a digital link path: every character outside A-Z a-z 0-9 - . _ ~
 * becomes %XX (upper-case hex) of its UTF-8 bytes, as GS1 Digital Link 1.x requires.
 */
export function encodeAiValue(value: string): string {
  if (UNRESERVED.test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    throw new InvalidIdentifierError(`"${value}" is not valid Unicode text`, 'serial');
  }
  return encoded.replace(
    SUB_DELIMS_LEFT_BY_ENCODE_URI,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** True if `serial` is a valid AI 21 value: 1 to 20 characters of GS1 character set 82. */
export function isValidAi21Serial(serial: string): boolean {
  return serial.length >= 1 && serial.length <= AI21_MAX_LENGTH && isCset82(serial);
}

export function assertAi21Serial(serial: string): void {
  if (!isValidAi21Serial(serial)) {
    throw new InvalidIdentifierError(
      `Serial "${serial}" must be 1 to ${AI21_MAX_LENGTH} characters of GS1 character set 82 (A-Z a-z 0-9 and !"%&'()*+,-./:;<=>?_)`,
      'serial',
    );
  }
}

/** `https://<host>/01/<gtin14>/21/<serial>`: the digital link of one serialised trade item. */
export function sgtinLink(host: string, gtin14: string, serial: string): string {
  assertGtin14(gtin14);
  assertAi21Serial(serial);
  return `${origin(host)}/01/${gtin14}/21/${encodeAiValue(serial)}`;
}

/** `https://<host>/01/<gtin14>`: the digital link of a product (trade item class). */
export function productLink(host: string, gtin14: string): string {
  assertGtin14(gtin14);
  return `${origin(host)}/01/${gtin14}`;
}

/** `https://<host>/00/<sscc>`: the digital link of a logistic unit. */
export function ssccLink(host: string, sscc: string): string {
  if (!/^\d{18}$/.test(sscc) || !hasValidCheckDigit(sscc)) {
    throw new InvalidIdentifierError(
      `"${sscc}" is not an SSCC (18 digits ending in a valid check digit)`,
      'sscc',
    );
  }
  return `${origin(host)}/00/${sscc}`;
}

/** `https://<host>/8003/<grai>`: the digital link of a returnable asset. */
export function graiLink(host: string, grai: string): string {
  assertValidGrai(grai);
  return `${origin(host)}/8003/${encodeAiValue(grai)}`;
}

/** `https://<host>/<code>`: a short code that resolves on the brand's own domain. */
export function shortCodeLink(host: string, code: string): string {
  if (code.length === 0) {
    throw new InvalidIdentifierError('A short code must not be empty', 'code');
  }
  return `${origin(host)}/${encodeAiValue(code)}`;
}

/** `<gtin14>-<serial>`: the key joining a unique code to its EPC (SGTIN) record. */
export function sgtinEpcJoinKey(gtin14: string, serial: string): string {
  assertGtin14(gtin14);
  assertAi21Serial(serial);
  return `${gtin14}-${serial}`;
}

/** `host` is a bare host name with an optional port ('id.brand.com', 'localhost:3000'). */
function origin(host: string): string {
  const match = HOST_NAME.exec(host);
  if (!match || (match[1] !== undefined && Number(match[1]) > 65535)) {
    throw new InvalidIdentifierError(
      `"${host}" is not a host name: give a bare host with an optional port, e.g. id.brand.com or localhost:3000, without https:// or a path`,
      'host',
    );
  }
  return `https://${host.toLowerCase()}`;
}
