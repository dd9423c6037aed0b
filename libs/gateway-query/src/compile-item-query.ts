import { CollectionDefinition } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';
import { compileFilter, compileSearch } from './compile-filter';
import { checkDeep, resolveSelection, selectObject } from './compile-selection';
import { orderBy } from './compile-sort';
import { FilterNode, ItemQuery } from './item-query';
import { CompiledQuery, QueryScope } from '@sid/shared/items';
import { SqlContext } from './sql-context';
import { columnRef, quoteIdentifier, tableRef } from './sql-fragments';

/**
 * One statement returning one row per item, in a single json column `item` shaped as Directus
 * returns it. `aggregate` / `groupBy` are not looked at here: see compileAggregateQuery.
 * `itemAs: 'text'` returns `item` as the JSON's text, for a caller that writes it out as it is
 * (the driver would otherwise parse every item into an object).
 */
export function compileItemQuery(
  registry: CollectionRegistry,
  collection: string,
  query: ItemQuery,
  scope: QueryScope,
  { itemAs = 'json' }: { itemAs?: 'json' | 'text' } = {},
): CompiledQuery {
  const definition = registry.get(collection);
  const context = new SqlContext(registry, scope);
  const alias = context.alias();
  const selection = resolveSelection(registry, definition, query.fields);
  checkDeep(registry, definition, query.deep);
  const item = selectObject(context, definition, alias, selection, query.deep, query.relationLimit);
  const where = whereClause(context, definition, alias, query, true);
  const order = orderBy(definition, alias, query.sort, 'sort');
  const limit = context.param(query.limit, 'bigint');
  const offset = context.param(query.offset, 'bigint');
  return {
    sql:
      `SELECT ${itemAs === 'text' ? `(${item})::text` : item} AS item ` +
      `FROM ${tableRef(definition)} AS ${alias}${where} ` +
      `ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    params: context.params,
  };
}

/**
 * `meta[total_count]` (`'total'`: every item the caller may see) or `meta[filter_count]`
 * (`'filter'`: those matching filter and search). One row, `{ count: number }`.
 */
export function compileCountQuery(
  registry: CollectionRegistry,
  collection: string,
  query: ItemQuery,
  scope: QueryScope,
  kind: 'total' | 'filter',
): CompiledQuery {
  const definition = registry.get(collection);
  const context = new SqlContext(registry, scope);
  const alias = context.alias();
  const tally = tallyFor(definition, query, kind);
  if (tally) {
    const where = whereClause(context, tally.counted, alias, query, kind === 'filter');
    return {
      sql:
        `SELECT coalesce(sum(${alias}.${quoteIdentifier(tally.countColumn)}), 0)::float8 AS count ` +
        `FROM ${tableRef(tally.counted)} AS ${alias}${where}`,
      params: context.params,
    };
  }
  const where = whereClause(context, definition, alias, query, kind === 'filter');
  // float8: read by pg as a JS number (bigint would be a string), exact up to 2^53.
  return {
    sql: `SELECT count(*)::float8 AS count FROM ${tableRef(definition)} AS ${alias}${where}`,
    params: context.params,
  };
}

/**
 * The collection's tally, when it can answer this count: no search, and a filter (if counted)
 * made of conditions on tallied fields only, joined by and/or. Every such condition has one
 * value for all rows of a group, so summing the matching groups counts the matching rows.
 * `counted` is the tally seen as a collection of those fields (relations left out), so the
 * filter compiles, and is validated, as on the collection itself.
 */
function tallyFor(
  definition: CollectionDefinition,
  query: Pick<ItemQuery, 'filter' | 'search'>,
  kind: 'total' | 'filter',
): { counted: CollectionDefinition; countColumn: string } | null {
  const tally = definition.tally;
  if (!tally) return null;
  if (kind === 'filter') {
    if (query.search !== null) return null;
    if (query.filter && !testsOnly(query.filter, tally.fields)) return null;
  }
  let counted = TALLIES.get(definition);
  if (!counted) {
    const fields: CollectionDefinition['fields'] = {};
    for (const name of [...tally.fields, definition.tenantField].filter((f) => f !== undefined)) {
      fields[name] = { type: definition.fields[name].type };
    }
    counted = {
      name: definition.name,
      table: tally.table,
      primaryKey: '',
      tenantField: definition.tenantField,
      fields,
    };
    TALLIES.set(definition, counted);
  }
  return { counted, countColumn: tally.countColumn };
}

const TALLIES = new WeakMap<CollectionDefinition, CollectionDefinition>();

function testsOnly(node: FilterNode, fields: string[]): boolean {
  switch (node.type) {
    case 'and':
    case 'or':
      return node.nodes.every((child) => testsOnly(child, fields));
    case 'condition':
      return fields.includes(node.field);
    case 'relation':
      return false;
  }
}

/**
 * The primary keys (one column, `key`) of the items a batch write may touch: tenant scope, filter
 * and search applied. Embedded by writers as a subquery, so its `$n` come first.
 */
export function compileKeyQuery(
  registry: CollectionRegistry,
  collection: string,
  query: Pick<ItemQuery, 'filter' | 'search'>,
  scope: QueryScope,
): CompiledQuery {
  const definition = registry.get(collection);
  const context = new SqlContext(registry, scope);
  const alias = context.alias();
  const where = whereClause(context, definition, alias, query, true);
  return {
    sql: `SELECT ${columnRef(alias, definition, definition.primaryKey)} AS key FROM ${tableRef(definition)} AS ${alias}${where}`,
    params: context.params,
  };
}

/** Tenant scope, and when asked, the filter and the search. */
export function whereClause(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  query: Pick<ItemQuery, 'filter' | 'search'>,
  withFilter: boolean,
): string {
  return SqlContext.where([
    context.tenantCondition(definition, alias),
    withFilter && query.filter ? compileFilter(context, definition, alias, query.filter) : null,
    withFilter && query.search !== null
      ? compileSearch(context, definition, alias, query.search)
      : null,
  ]);
}
