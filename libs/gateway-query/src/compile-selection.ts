import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition, FieldDefinition } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';
import { compileFilter } from './compile-filter';
import { checkSort, orderBy } from './compile-sort';
import { DeepQuery } from './item-query';
import { SqlContext } from './sql-context';
import { columnRef, fieldOf, jsonObject, jsonValue, tableRef } from './sql-fragments';

/** Field name → `null` (its own value) or what to select inside the relation. Map order = key order. */
export type Selection = Map<string, Selection | null>;

/**
 * `fields` paths → a selection tree. `*` is every field except one-to-many ones (they can be
 * huge: ask for `codes` or `codes.*` explicitly); `*` in the middle of a path (`*.*`) means every
 * relational field, one-to-many included, and names it does not find there are skipped.
 */
export function resolveSelection(
  registry: CollectionRegistry,
  definition: CollectionDefinition,
  paths: string[],
): Selection {
  const root: Selection = new Map();
  for (const path of paths) add(registry, definition, root, path.split('.'), path, false);
  return root;
}

function add(
  registry: CollectionRegistry,
  definition: CollectionDefinition,
  node: Selection,
  [head, ...rest]: string[],
  path: string,
  fromWildcard: boolean,
): void {
  if (head === '*') {
    for (const [name, field] of Object.entries(definition.fields)) {
      if (rest.length > 0) {
        if (field.relation) addRelated(registry, node, name, field, rest, path, true);
      } else if (field.relation?.kind !== 'o2m' && !node.has(name)) {
        node.set(name, null);
      }
    }
    return;
  }
  if (fromWildcard && !Object.hasOwn(definition.fields, head)) return;
  const field = fieldOf(definition, head, 'fields');
  if (rest.length === 0) {
    if (!node.has(head)) node.set(head, null);
  } else if (field.relation) {
    addRelated(registry, node, head, field, rest, path, fromWildcard);
  } else if (!fromWildcard) {
    throw new InvalidQueryError(
      `"fields": "${path}": "${head}" is not a relational field, so it has no fields of its own.`,
    );
  }
}

function addRelated(
  registry: CollectionRegistry,
  node: Selection,
  name: string,
  field: FieldDefinition,
  rest: string[],
  path: string,
  fromWildcard: boolean,
): void {
  let child = node.get(name);
  if (!child) {
    child = new Map();
    node.set(name, child);
  }
  add(registry, registry.get(field.relation!.collection), child, rest, path, fromWildcard);
}

/** Checks `deep` against the collections: names exist, options only on one-to-many fields. */
export function checkDeep(
  registry: CollectionRegistry,
  definition: CollectionDefinition,
  deep: Map<string, DeepQuery>,
  path = 'deep',
): void {
  for (const [name, options] of deep) {
    const where = `${path}[${name}]`;
    const relation = fieldOf(definition, name, where).relation;
    if (!relation) throw new InvalidQueryError(`"${where}": "${name}" is not a relational field.`);
    const related = registry.get(relation.collection);
    const hasOptions = ['limit', 'offset', 'sort', 'filter'].some(
      (key) => options[key as keyof DeepQuery] !== undefined,
    );
    if (relation.kind === 'm2o' && hasOptions) {
      throw new InvalidQueryError(
        `"${where}": _limit, _offset, _sort and _filter only apply to one-to-many fields; "${name}" is many-to-one.`,
      );
    }
    if (options.sort) checkSort(related, options.sort, `${where}[_sort]`);
    checkDeep(registry, related, options.nested, where);
  }
}

/** The JSON object of one row of `alias`, with correlated subqueries for relations. */
export function selectObject(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  selection: Selection,
  deep: Map<string, DeepQuery> | undefined,
  relationLimit: number,
): string {
  const pairs: [string, string][] = [...selection].map(([name, child]) => [
    name,
    fieldExpression(context, definition, alias, name, child, deep?.get(name), relationLimit),
  ]);
  return jsonObject(pairs);
}

function fieldExpression(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  name: string,
  child: Selection | null,
  deep: DeepQuery | undefined,
  relationLimit: number,
): string {
  const relation = definition.fields[name].relation;
  if (!relation || (relation.kind === 'm2o' && child === null)) {
    return jsonValue(alias, definition, name);
  }
  const related = context.registry.get(relation.collection);
  const inner = context.alias();
  const table = `${tableRef(related)} AS ${inner}`;
  const nested = (selection: Selection) =>
    selectObject(context, related, inner, selection, deep?.nested, relationLimit);

  if (relation.kind === 'm2o') {
    const where = SqlContext.where([
      `${columnRef(inner, related, related.primaryKey)} = ${columnRef(alias, definition, name)}`,
      context.tenantCondition(related, inner),
    ]);
    return `(SELECT ${nested(child!)} FROM ${table}${where})`;
  }

  const value = child === null ? jsonValue(inner, related, related.primaryKey) : nested(child);
  const order = orderBy(related, inner, deep?.sort ?? [], `deep[${name}][_sort]`);
  const where = SqlContext.where([
    `${columnRef(inner, related, relation.field)} = ${columnRef(alias, definition, definition.primaryKey)}`,
    context.tenantCondition(related, inner),
    deep?.filter ? compileFilter(context, related, inner, deep.filter) : null,
  ]);
  const limit = ` LIMIT ${context.param(deep?.limit ?? relationLimit, 'bigint')}`;
  const offset = deep?.offset ? ` OFFSET ${context.param(deep.offset, 'bigint')}` : '';
  const rows = context.alias();
  return (
    `(SELECT coalesce(json_agg(${rows}.v ORDER BY ${rows}.n), '[]'::json) FROM ` +
    `(SELECT ${value} AS v, row_number() OVER (ORDER BY ${order}) AS n FROM ${table}${where} ` +
    `ORDER BY ${order}${limit}${offset}) AS ${rows})`
  );
}
