import { InvalidQueryError } from '@sid/shared/errors';
import {
  FILTER_OPERATORS,
  FilterNode,
  FilterOperator,
  FilterScalar,
  FilterValue,
} from './item-query';
import { MAX_DEPTH, isFieldName, isPlainObject, show, toList, toObject } from './parse-primitives';

const OPERATORS: ReadonlySet<string> = new Set(FILTER_OPERATORS);
const LIST_OPERATORS: ReadonlySet<string> = new Set(['_in', '_nin', '_between', '_nbetween']);
const BOOLEAN_OPERATORS: ReadonlySet<string> = new Set(['_null', '_nnull', '_empty', '_nempty']);

/**
 * Parses a Directus filter: the nested object Express' qs parser makes of
 * `filter[product][gtin][_eq]=...`, or the same object JSON-encoded. Field names are only checked
 * for shape here; the compiler checks them against the collection.
 *
 * @param param where the filter came from, for messages: `filter` or `deep[codes][_filter]`.
 */
export function parseFilter(raw: unknown, param: string): FilterNode | null {
  if (raw === undefined || raw === '') return null;
  const object = toObject(raw, param);
  if (Object.keys(object).length === 0) return null;
  return parseGroup(Object.entries(object), param, 0);
}

/** An object of `_and` / `_or` / field keys, all of which must hold. */
function parseGroup(entries: [string, unknown][], path: string, depth: number): FilterNode {
  if (depth > MAX_DEPTH * 2) {
    throw new InvalidQueryError(`"${path}": the filter is nested too deeply.`);
  }
  if (entries.length === 0) {
    throw new InvalidQueryError(`"${path}" must not be empty.`);
  }
  const nodes = entries.flatMap(([key, value]): FilterNode[] => {
    const where = `${path}[${key}]`;
    if (key === '_and' || key === '_or') {
      const items = toList(value, where);
      if (items.length === 0) throw new InvalidQueryError(`"${where}" must not be empty.`);
      return [
        {
          type: key === '_and' ? 'and' : 'or',
          nodes: items.map((item, index) => parseObject(item, `${where}[${index}]`, depth + 1)),
        },
      ];
    }
    if (OPERATORS.has(key) || key === '_some' || key === '_none') {
      throw new InvalidQueryError(
        `"${where}": the operator ${key} must follow a field name, e.g. ${path}[status][${key}].`,
      );
    }
    if (!isFieldName(key)) {
      throw new InvalidQueryError(`"${where}": ${show(key)} is not a field name.`);
    }
    return parseField(key, value, where, depth + 1);
  });
  return nodes.length === 1 ? nodes[0] : { type: 'and', nodes };
}

function parseObject(value: unknown, path: string, depth: number): FilterNode {
  if (!isPlainObject(value)) {
    throw new InvalidQueryError(`"${path}" must be an object, got ${show(value)}.`);
  }
  return parseGroup(Object.entries(value), path, depth);
}

/** `{ _eq: 'x', _neq: 'y' }`, or a filter on related rows `{ gtin: {...} }` / `{ _some: {...} }`. */
function parseField(field: string, value: unknown, path: string, depth: number): FilterNode[] {
  if (!isPlainObject(value)) {
    throw new InvalidQueryError(
      `"${path}" must be an object of operators (e.g. ${path}[_eq]=value), got ${show(value)}.`,
    );
  }
  const nodes: FilterNode[] = [];
  const related: [string, unknown][] = [];
  for (const [key, operand] of Object.entries(value)) {
    const where = `${path}[${key}]`;
    if (OPERATORS.has(key)) {
      const operator = key as FilterOperator;
      nodes.push({
        type: 'condition',
        field,
        operator,
        value: parseOperand(operator, operand, where),
        path: where,
      });
    } else if (key === '_some' || key === '_none') {
      nodes.push({
        type: 'relation',
        field,
        quantifier: key === '_some' ? 'some' : 'none',
        filter: parseObject(operand, where, depth + 1),
        path: where,
      });
    } else if (key === '_and' || key === '_or' || !key.startsWith('_')) {
      related.push([key, operand]);
    } else {
      throw new InvalidQueryError(
        `"${where}": unknown operator ${show(key)}. Expected one of ${FILTER_OPERATORS.join(', ')}, _some, _none.`,
      );
    }
  }
  if (related.length > 0) {
    nodes.push({
      type: 'relation',
      field,
      quantifier: null,
      filter: parseGroup(related, path, depth + 1),
      path,
    });
  }
  if (nodes.length === 0) throw new InvalidQueryError(`"${path}" must not be empty.`);
  return nodes;
}

function parseOperand(operator: FilterOperator, value: unknown, path: string): FilterValue {
  if (BOOLEAN_OPERATORS.has(operator)) return parseBoolean(value, path);
  if (!LIST_OPERATORS.has(operator)) return parseScalar(value, path);
  const items =
    typeof value === 'string'
      ? value.split(',')
      : typeof value === 'number' || typeof value === 'boolean'
        ? [value]
        : toList(value, path);
  const list = items.map((item, index) => parseScalar(item, `${path}[${index}]`));
  if ((operator === '_between' || operator === '_nbetween') && list.length !== 2) {
    throw new InvalidQueryError(
      `"${path}" must be two values "from,to", got ${list.length} value(s).`,
    );
  }
  return list;
}

function parseScalar(value: unknown, path: string): FilterScalar {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return value;
  }
  throw new InvalidQueryError(`"${path}" must be a single value, got ${show(value)}.`);
}

function parseBoolean(value: unknown, path: string): boolean {
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw new InvalidQueryError(`"${path}" must be true or false, got ${show(value)}.`);
}
