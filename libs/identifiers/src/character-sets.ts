/**
 * The alphabets a job may generate codes from (`identifier_job.character_set`). Every character
 * is in GS1 character set 82 (so it is a valid AI 21 / AI 8003 serial character) and in the URI
 * unreserved set (so it appears unescaped in a digital link).
 */
export const CHARACTER_SETS = {
  alphanumeric: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  numeric: '0123456789',
  alphabetic: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  uppercase: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  hex: '0123456789ABCDEF',
  /** Upper-case letters and digits without the look-alikes 0, O, 1, I and L (31 characters). */
  unambiguous: '23456789ABCDEFGHJKMNPQRSTUVWXYZ',
} as const satisfies Record<string, string>;

export type CharacterSet = keyof typeof CHARACTER_SETS;

export function isCharacterSet(x: unknown): x is CharacterSet {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(CHARACTER_SETS, x);
}
