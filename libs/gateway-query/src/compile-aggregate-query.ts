import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition, FieldType } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';
import { whereClause } from './compile-item-query';
import { AggregateFunction, ItemQuery } from './item-query';
import { CompiledQuery, QueryScope } from '@sid/shared/items';
import { SqlContext } from './sql-context';
import { columnRef, fieldOf, jsonObject, jsonValue, renderValue, tableRef } from './sql-fragments';

const NUMERIC: ReadonlySet<FieldType> = new Set(['integer', 'bigInteger', 'float']);
/** Types PostgreSQL has min()/max() for among ours. */
const ORDERED: ReadonlySet<FieldType> = new Set([
  'integer',
  'bigInteger',
  'float',
  'string',
  'timestamp',
]);

/**
 * `aggregate` and `groupBy`, shaped as Directus answers them: one row per group (one row without
 * groupBy) in a json column `item`, e.g. `{ status: 'new', count: 42, sum: { quantity: 300 } }`.
 * `aggregate[count]=*` gives `count: n`; any named field gives `<fn>: { <field>: n }`.
 * Groups are ordered by `sort` (group fields only) or by the group fields, then paged.
 */
export function compileAggregateQuery(
  registry: CollectionRegistry,
  collection: string,
  query: ItemQuery,
  scope: QueryScope,
): CompiledQuery {
  const definition = registry.get(collection);
  if (!query.aggregate && query.groupBy.length === 0) {
    throw new InvalidQueryError('An aggregate query needs "aggregate" or "groupBy".');
  }
  const context = new SqlContext(registry, scope);
  const alias = context.alias();
  const groups = query.groupBy.map((name) => {
    checkColumn(definition, name, 'groupBy');
    return name;
  });
  const pairs: [string, string][] = groups.map((name) => [
    name,
    jsonValue(alias, definition, name),
  ]);
  for (const [fn, fields] of Object.entries(query.aggregate ?? {})) {
    if (groups.includes(fn)) {
      throw new InvalidQueryError(`"groupBy": "${fn}" would collide with aggregate[${fn}].`);
    }
    pairs.push([fn, aggregate(definition, alias, fn as AggregateFunction, fields)]);
  }
  const where = whereClause(context, definition, alias, query, true);
  let sql = `SELECT ${jsonObject(pairs)} AS item FROM ${tableRef(definition)} AS ${alias}${where}`;
  if (groups.length > 0) {
    const columns = groups.map((name) => columnRef(alias, definition, name));
    for (const { field } of query.sort) {
      if (!groups.includes(field)) {
        throw new InvalidQueryError(
          `"sort": "${field}" is not a groupBy field; grouped results sort by groupBy fields only.`,
        );
      }
    }
    const order =
      query.sort.length > 0
        ? query.sort.map(
            (s) => `${columnRef(alias, definition, s.field)} ${s.direction.toUpperCase()}`,
          )
        : columns.map((column) => `${column} ASC`);
    sql +=
      ` GROUP BY ${columns.join(', ')} ORDER BY ${order.join(', ')}` +
      ` LIMIT ${context.param(query.limit, 'bigint')} OFFSET ${context.param(query.offset, 'bigint')}`;
  }
  return { sql, params: context.params };
}

function aggregate(
  definition: CollectionDefinition,
  alias: string,
  fn: AggregateFunction,
  fields: string[],
): string {
  if (fn === 'count' && fields.length === 1 && fields[0] === '*') return 'count(*)';
  const where = `aggregate[${fn}]`;
  const pairs: [string, string][] = fields.map((name) => {
    const type = checkColumn(definition, name, where, fn === 'count');
    const column = columnRef(alias, definition, name);
    if ((fn.startsWith('sum') || fn.startsWith('avg')) && !NUMERIC.has(type)) {
      throw new InvalidQueryError(`"${where}": "${name}" is ${type}; ${fn} needs a numeric field.`);
    }
    if ((fn === 'min' || fn === 'max') && !ORDERED.has(type)) {
      throw new InvalidQueryError(`"${where}": "${name}" is ${type} and has no ${fn}.`);
    }
    switch (fn) {
      case 'count':
        return [name, `count(${column})`];
      case 'countDistinct':
        return [name, `count(DISTINCT ${column})`];
      case 'sum':
      case 'avg':
        return [name, `${fn}(${column})`];
      case 'sumDistinct':
      case 'avgDistinct':
        return [name, `${fn.slice(0, 3)}(DISTINCT ${column})`];
      case 'min':
      case 'max':
        return [name, renderValue(`${fn}(${column})`, type)];
    }
  });
  return jsonObject(pairs);
}

/** A column of the collection itself (no one-to-many field; JSON only where `allowJson`). */
function checkColumn(
  definition: CollectionDefinition,
  name: string,
  where: string,
  allowJson = false,
): FieldType {
  const field = fieldOf(definition, name, where);
  if (field.relation?.kind === 'o2m') {
    throw new InvalidQueryError(`"${where}": "${name}" is a one-to-many field, not a column.`);
  }
  if (field.type === 'json' && !allowJson) {
    throw new InvalidQueryError(`"${where}": "${name}" is a JSON field and cannot be used here.`);
  }
  return field.type;
}
