import { InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, CreatedItem, createdItem } from '@sid/shared/items';

/**
 * `POST /items/<collection>` (or GraphQL `create_<collection>_items`) with an array: every item
 * in one transaction or none, keys (with any shown-once fields) answered in the order sent. Up to
 * `max` items per request.
 */
export async function createMany(
  writer: CollectionWriter,
  actor: Actor,
  items: unknown[],
  max: number,
): Promise<CreatedItem[]> {
  if (items.length > max) {
    throw new InvalidPayloadError(
      `At most ${max} items can be created in one request, got ${items.length}.`,
    );
  }
  if (!writer.createMany) {
    throw new InvalidPayloadError(
      `Collection "${writer.collection}" is created one item per request: send an object, not an array.`,
      { collection: writer.collection },
    );
  }
  const inputs = items.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new InvalidPayloadError(`Item ${index} must be a JSON object.`, { item: index });
    }
    return item as Record<string, unknown>;
  });
  if (inputs.length === 0) return [];
  return (await writer.createMany(actor, inputs)).map(createdItem);
}
