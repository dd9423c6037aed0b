import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition } from '@sid/shared/items';
import { isUuidLike } from '@sid/shared/items';
import { FilterNode, ItemQuery } from './item-query';
import { show } from './parse-primitives';

/**
 * `GET /items/<collection>/<id>`: the same query narrowed to one primary key (and to the caller's
 * filter, if any). The id is bound like any filter value, so a malformed one is an InvalidQueryError
 * naming `id`.
 */
export function itemByIdQuery(query: ItemQuery, primaryKey: string, id: string): ItemQuery {
  const byId: FilterNode = {
    type: 'condition',
    field: primaryKey,
    operator: '_eq',
    value: id,
    path: 'id',
  };
  return {
    ...query,
    filter: query.filter ? { type: 'and', nodes: [byId, query.filter] } : byId,
    limit: 1,
    offset: 0,
  };
}

/**
 * `PATCH` / `DELETE /items/<collection>/<id>`: refuses an id that cannot be the collection's
 * primary key with the InvalidQueryError a `GET` of it gives, before any writer sees it.
 */
export function assertItemId(definition: CollectionDefinition, id: string): void {
  if (id.includes('\u0000')) {
    throw new InvalidQueryError('"id" must not contain the NUL character (\\u0000).');
  }
  if (definition.fields[definition.primaryKey]?.type === 'uuid' && !isUuidLike(id)) {
    throw new InvalidQueryError(`"id" must be a UUID, got ${show(id)}.`);
  }
}
