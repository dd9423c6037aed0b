import { PublicError } from '@sid/shared/errors';

/**
 * Batch create (`POST /items/<collection>` with an array): every item is checked before any is
 * stored. A refusal names the item it is about in `extensions.item` (its index in the array), so
 * a partner knows which of 10,000 items to fix; nothing is written.
 */
export async function prepareEach<T>(
  inputs: Record<string, unknown>[],
  prepare: (input: Record<string, unknown>, index: number) => Promise<T>,
): Promise<T[]> {
  const prepared: T[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      prepared.push(await prepare(input, index));
    } catch (error) {
      if (error instanceof PublicError) error.extensions.item = index;
      throw error;
    }
  }
  return prepared;
}
