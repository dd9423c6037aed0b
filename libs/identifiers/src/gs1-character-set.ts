/** One character of GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1). */
export const CSET_82_CHARACTER = `[!"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]`;

const CSET_82 = new RegExp(`^${CSET_82_CHARACTER}*$`);

/** True if every character of `value` is in GS1 character set 82 (empty string included). */
export function isCset82(value: string): boolean {
  return CSET_82.test(value);
}
