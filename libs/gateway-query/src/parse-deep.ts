import { InvalidQueryError } from '@sid/shared/errors';
import { DeepQuery, ItemQueryLimits } from './item-query';
import { parseFilter } from './parse-filter';
import {
  MAX_DEPTH,
  isFieldName,
  isPlainObject,
  parseLimit,
  parseNonNegativeInteger,
  parseSort,
  show,
  toObject,
} from './parse-primitives';

/**
 * `deep[codes][_limit]=10&deep[codes][_sort]=-code&deep[codes][_filter][status][_eq]=reserved`,
 * or the same JSON-encoded. Keys without `_` are relational fields of the related collection
 * (`deep[codes][identifier_job]...`), for nesting.
 */
export function parseDeep(raw: unknown, limits: ItemQueryLimits): Map<string, DeepQuery> {
  if (raw === undefined || raw === '') return new Map();
  return parseFields(Object.entries(toObject(raw, 'deep')), 'deep', limits, 0);
}

function parseFields(
  entries: [string, unknown][],
  path: string,
  limits: ItemQueryLimits,
  depth: number,
): Map<string, DeepQuery> {
  const result = new Map<string, DeepQuery>();
  for (const [field, value] of entries) {
    const where = `${path}[${field}]`;
    if (!isFieldName(field) || field.startsWith('_')) {
      throw new InvalidQueryError(
        `"${where}": ${show(field)} is not a field name (expected deep[<field>][_limit|_offset|_sort|_filter]).`,
      );
    }
    if (depth >= MAX_DEPTH) throw new InvalidQueryError(`"${where}" is nested too deeply.`);
    if (!isPlainObject(value)) {
      throw new InvalidQueryError(
        `"${where}" must be an object of _limit, _offset, _sort, _filter, got ${show(value)}.`,
      );
    }
    result.set(field, parseNode(value, where, limits, depth + 1));
  }
  return result;
}

function parseNode(
  object: Record<string, unknown>,
  path: string,
  limits: ItemQueryLimits,
  depth: number,
): DeepQuery {
  const node: DeepQuery = { nested: new Map() };
  const nested: [string, unknown][] = [];
  for (const [key, value] of Object.entries(object)) {
    const where = `${path}[${key}]`;
    switch (key) {
      case '_limit':
        node.limit = parseLimit(value, where, limits);
        break;
      case '_offset':
        node.offset = parseNonNegativeInteger(value, where);
        break;
      case '_sort':
        node.sort = parseSort(value, where);
        break;
      case '_filter':
        node.filter = parseFilter(value, where) ?? undefined;
        break;
      default:
        if (key.startsWith('_')) {
          throw new InvalidQueryError(
            `"${where}": unknown option ${show(key)}. Expected _limit, _offset, _sort or _filter.`,
          );
        }
        nested.push([key, value]);
    }
  }
  node.nested = parseFields(nested, path, limits, depth);
  return node;
}
