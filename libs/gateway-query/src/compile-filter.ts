import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition, FieldDefinition } from '@sid/shared/items';
import { filterValue } from './filter-value';
import { ConditionFilter, FilterNode, FilterScalar, RelationFilter } from './item-query';
import { SqlContext } from './sql-context';
import { castOf, columnRef, escapeLike, fieldOf, tableRef } from './sql-fragments';

/** `_contains` & co.: [LIKE or ILIKE, negated, pattern before the value, pattern after]. */
const PATTERNS: Record<string, [string, boolean, string, string]> = {
  _contains: ['LIKE', false, '%', '%'],
  _ncontains: ['LIKE', true, '%', '%'],
  _icontains: ['ILIKE', false, '%', '%'],
  _nicontains: ['ILIKE', true, '%', '%'],
  _starts_with: ['LIKE', false, '', '%'],
  _nstarts_with: ['LIKE', true, '', '%'],
  _istarts_with: ['ILIKE', false, '', '%'],
  _nistarts_with: ['ILIKE', true, '', '%'],
  _ends_with: ['LIKE', false, '%', ''],
  _nends_with: ['LIKE', true, '%', ''],
  _iends_with: ['ILIKE', false, '%', ''],
  _niends_with: ['ILIKE', true, '%', ''],
};

const COMPARISONS: Record<string, string> = { _lt: '<', _lte: '<=', _gt: '>', _gte: '>=' };

/** A parsed filter as a boolean SQL expression over the rows of `alias`. */
export function compileFilter(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  node: FilterNode,
): string {
  switch (node.type) {
    case 'and':
    case 'or': {
      const parts = node.nodes.map((child) => compileFilter(context, definition, alias, child));
      return `(${parts.join(node.type === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'condition':
      return compileCondition(context, definition, alias, node);
    case 'relation':
      return compileRelation(context, definition, alias, node);
  }
}

/** `?search=`: a case-insensitive substring of any search field (all string fields if none are declared). */
export function compileSearch(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  search: string,
): string {
  const fields =
    definition.searchFields ??
    Object.keys(definition.fields).filter((name) => {
      const field = definition.fields[name];
      return field.type === 'string' && !field.relation;
    });
  if (fields.length === 0) return 'FALSE';
  const pattern = context.param(`%${escapeLike(search)}%`, 'text');
  const tests = fields.map((name) => {
    const column = columnRef(alias, definition, name);
    const text = definition.fields[name].type === 'string' ? column : `${column}::text`;
    return `${text} ILIKE ${pattern}`;
  });
  return `(${tests.join(' OR ')})`;
}

function compileCondition(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  node: ConditionFilter,
): string {
  const { operator, value, path } = node;
  const field = fieldOf(definition, node.field, path);
  if (field.relation?.kind === 'o2m') {
    throw new InvalidQueryError(
      `"${path}": "${node.field}" is a one-to-many field; filter on its related fields instead, e.g. filter[${node.field}][<field>][_eq]=value.`,
    );
  }
  const column = columnRef(alias, definition, node.field);
  const isText = field.type === 'string';
  switch (operator) {
    case '_null':
    case '_nnull':
      return `${column} IS ${(operator === '_null') === value ? '' : 'NOT '}NULL`;
    case '_empty':
    case '_nempty': {
      const empty = (operator === '_empty') === value;
      if (!isText) return `${column} IS ${empty ? '' : 'NOT '}NULL`;
      return empty
        ? `(${column} IS NULL OR ${column} = '')`
        : `(${column} IS NOT NULL AND ${column} <> '')`;
    }
  }
  if (field.type === 'json') {
    throw new InvalidQueryError(
      `"${path}": "${node.field}" is a JSON field; it can only be tested with _null, _nnull, _empty, _nempty.`,
    );
  }
  const bind = (scalar: FilterScalar, where: string) =>
    context.param(
      filterValue(scalar, field.type, where, { now: context.now, userId: context.scope.userId }),
      castOf(field.type),
    );
  if (Array.isArray(value)) {
    const items = value.map((item, index) => {
      const where = `${path}[${index}]`;
      if (item === null) throw new InvalidQueryError(`"${where}" must not be null.`);
      return filterValue(item, field.type, where, {
        now: context.now,
        userId: context.scope.userId,
      });
    });
    switch (operator) {
      case '_in':
        return `${column} = ANY(${context.param(items, `${castOf(field.type)}[]`)})`;
      case '_nin':
        return `${column} <> ALL(${context.param(items, `${castOf(field.type)}[]`)})`;
      default: {
        const [from, to] = items.map((item) => context.param(item, castOf(field.type)));
        return `(${column} ${operator === '_nbetween' ? 'NOT ' : ''}BETWEEN ${from} AND ${to})`;
      }
    }
  }
  const pattern = PATTERNS[operator];
  if (pattern) {
    if (!isText) {
      throw new InvalidQueryError(
        `"${path}": ${operator} only applies to text fields; "${node.field}" is ${field.type}.`,
      );
    }
    if (value === null) throw new InvalidQueryError(`"${path}" needs a value, got null.`);
    const [like, negated, before, after] = pattern;
    const text = context.param(`${before}${escapeLike(String(value))}${after}`, 'text');
    return `${negated ? 'NOT ' : ''}${column} ${like} ${text}`;
  }
  if (operator === '_eq' || operator === '_neq') {
    if (value === null) return `${column} IS ${operator === '_eq' ? '' : 'NOT '}NULL`;
    return `${column} ${operator === '_eq' ? '=' : '<>'} ${bind(value, path)}`;
  }
  const comparison = COMPARISONS[operator];
  if (comparison === undefined) {
    throw new InvalidQueryError(`"${path}": ${operator} needs a list of values.`);
  }
  return `${column} ${comparison} ${bind(value, path)}`;
}

function compileRelation(
  context: SqlContext,
  definition: CollectionDefinition,
  alias: string,
  node: RelationFilter,
): string {
  const field: FieldDefinition = fieldOf(definition, node.field, node.path);
  const relation = field.relation;
  if (!relation) {
    throw new InvalidQueryError(
      `"${node.path}": "${node.field}" is not a relational field, so it takes operators (e.g. _eq), not field names.`,
    );
  }
  const related = context.registry.get(relation.collection);
  const inner = context.alias();
  let join: string;
  if (relation.kind === 'm2o') {
    if (node.quantifier !== null) {
      throw new InvalidQueryError(
        `"${node.path}": _some / _none only apply to one-to-many fields; "${node.field}" is many-to-one.`,
      );
    }
    join = `${columnRef(inner, related, related.primaryKey)} = ${columnRef(alias, definition, node.field)}`;
  } else {
    join = `${columnRef(inner, related, relation.field)} = ${columnRef(alias, definition, definition.primaryKey)}`;
  }
  const conditions = [
    join,
    context.tenantCondition(related, inner),
    compileFilter(context, related, inner, node.filter),
  ];
  const exists = `EXISTS (SELECT 1 FROM ${tableRef(related)} AS ${inner}${SqlContext.where(conditions)})`;
  return node.quantifier === 'none' ? `NOT ${exists}` : exists;
}
