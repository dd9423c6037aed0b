import { InvalidPayloadError, InvalidQueryError } from '@sid/shared/errors';
import { BatchUpdate, QueryScope } from '@sid/shared/items';
import { compileKeyQuery, FilterNode, parseFilter } from '@sid/gateway-query';
import { COLLECTIONS } from './collections';

/**
 * The three bodies Directus accepts at `PATCH /items/<collection>`, as batch updates:
 * - `{ "keys": [id, ...], "data": {...} }`: those items (every one must exist for the caller);
 * - `{ "query": { "filter": {...}, "search": "..." }, "data": {...} }`: the items matching;
 * - `[{ "id": ..., ...changes }, ...]`: each item its own changes (grouped by identical changes).
 * Tenant scope is applied to every selection, as to reads.
 */
export function batchUpdates(collection: string, body: unknown, scope: QueryScope): BatchUpdate[] {
  const primaryKey = COLLECTIONS.get(collection).primaryKey;
  const byKeys = (keys: string[], input: Record<string, unknown>, path: string): BatchUpdate => ({
    selection: {
      query: compileKeyQuery(
        COLLECTIONS,
        collection,
        { filter: keysFilter(primaryKey, keys, path), search: null },
        scope,
      ),
      keys,
    },
    input,
  });
  if (Array.isArray(body)) {
    if (body.length === 0) throw new InvalidPayloadError('The list of items to update is empty.');
    const groups = new Map<string, { keys: string[]; input: Record<string, unknown> }>();
    body.forEach((item, index) => {
      const { [primaryKey]: key, ...input } = object(item, `[${index}]`);
      if (typeof key !== 'string' || key === '') {
        throw new InvalidPayloadError(`Item [${index}] needs its "${primaryKey}".`, {
          field: primaryKey,
        });
      }
      const changes = JSON.stringify(Object.entries(input).sort(([a], [b]) => a.localeCompare(b)));
      const group = groups.get(changes) ?? { keys: [], input };
      group.keys.push(key);
      groups.set(changes, group);
    });
    return [...groups.values()].map(({ keys, input }) => byKeys(keys, input, primaryKey));
  }
  const { keys, query, data, ...rest } = object(body, 'body');
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new InvalidPayloadError(
      `"${unknown[0]}" is not part of a batch update (keys or query, and data).`,
    );
  }
  const input = object(data, 'data');
  if (keys !== undefined && query === undefined) {
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
      throw new InvalidPayloadError('"keys" must be a non-empty list of primary keys.', {
        field: 'keys',
      });
    }
    return [byKeys(keys, input, 'keys')];
  }
  if (query !== undefined && keys === undefined) {
    const { filter, search, ...others } = object(query, 'query');
    if (Object.keys(others).length > 0) {
      throw new InvalidQueryError(
        `"query.${Object.keys(others)[0]}" is not supported in a batch update: use filter and search.`,
      );
    }
    const parsed = parseFilter(filter, 'query.filter');
    if (search !== undefined && typeof search !== 'string')
      throw new InvalidQueryError('"query.search" must be a string.');
    if (!parsed && !search) {
      throw new InvalidQueryError(
        'A batch update by query needs a "filter" (or "search"): it would change every item.',
      );
    }
    return [
      {
        selection: {
          query: compileKeyQuery(
            COLLECTIONS,
            collection,
            { filter: parsed, search: search ?? null },
            scope,
          ),
        },
        input,
      },
    ];
  }
  throw new InvalidPayloadError('A batch update needs either "keys" or "query", and "data".');
}

function keysFilter(primaryKey: string, keys: string[], path: string): FilterNode {
  return { type: 'condition', field: primaryKey, operator: '_in', value: keys, path };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidPayloadError(
      `${where === 'body' ? 'The request body' : `"${where}"`} must be a JSON object.`,
    );
  }
  return value as Record<string, unknown>;
}
