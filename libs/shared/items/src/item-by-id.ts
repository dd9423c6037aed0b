import { FilterNode, ItemQuery } from './item-query';

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
