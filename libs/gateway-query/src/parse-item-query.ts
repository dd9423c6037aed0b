import { InvalidQueryError } from '@sid/shared/errors';
import {
  AGGREGATE_FUNCTIONS,
  AggregateFunction,
  AggregateQuery,
  ItemQuery,
  ItemQueryLimits,
  MetaKind,
} from './item-query';
import { parseDeep } from './parse-deep';
import { parseFilter } from './parse-filter';
import {
  MAX_DEPTH,
  isFieldName,
  parseLimit,
  parseNonNegativeInteger,
  parseSort,
  show,
  toObject,
  toStringList,
} from './parse-primitives';

/** Directus parameters that change the response and that we do not implement: refused, not ignored. */
const UNSUPPORTED = ['alias', 'export', 'version', 'backlink'];

/**
 * Parses Directus' global query parameters from Express 5's `req.query` (extended / qs parser).
 * Unknown parameters (e.g. `access_token`) are ignored, as Directus does.
 */
export function parseItemQuery(raw: Record<string, unknown>, limits: ItemQueryLimits): ItemQuery {
  for (const name of UNSUPPORTED) {
    if (raw[name] !== undefined) {
      throw new InvalidQueryError(`The "${name}" query parameter is not supported.`);
    }
  }
  const limit =
    raw.limit === undefined ? limits.defaultLimit : parseLimit(raw.limit, 'limit', limits);
  let offset = raw.offset === undefined ? 0 : parseNonNegativeInteger(raw.offset, 'offset');
  if (raw.page !== undefined) {
    const page = parseNonNegativeInteger(raw.page, 'page');
    if (page < 1) throw new InvalidQueryError(`"page" must be 1 or more, got ${page}.`);
    offset = (page - 1) * limit;
  }
  return {
    fields: parseFields(raw.fields),
    filter: parseFilter(raw.filter, 'filter'),
    search: parseSearch(raw.search),
    sort: raw.sort === undefined ? [] : parseSort(raw.sort, 'sort'),
    limit,
    offset,
    meta: parseMeta(raw.meta),
    aggregate: parseAggregate(raw.aggregate),
    groupBy: parseNames(raw.groupBy, 'groupBy'),
    deep: parseDeep(raw.deep, limits),
    relationLimit: limits.defaultLimit,
  };
}

/** `id,product.gtin,codes.*` → each path checked: names or `*`, at most MAX_DEPTH relations deep. */
function parseFields(raw: unknown): string[] {
  if (raw === undefined) return ['*'];
  const paths = toStringList(raw, 'fields');
  for (const path of paths) {
    const segments = path.split('.');
    for (const segment of segments) {
      if (segment !== '*' && !isFieldName(segment)) {
        throw new InvalidQueryError(
          `"fields": ${show(path)} is not a field path (expected names or * separated by dots).`,
        );
      }
    }
    if (segments.length > MAX_DEPTH + 1) {
      throw new InvalidQueryError(
        `"fields": ${show(path)} is nested more than ${MAX_DEPTH} relations deep.`,
      );
    }
  }
  return paths.length === 0 ? ['*'] : paths;
}

function parseNames(raw: unknown, param: string): string[] {
  if (raw === undefined) return [];
  return toStringList(raw, param).map((name) => {
    if (!isFieldName(name)) {
      throw new InvalidQueryError(`"${param}": ${show(name)} is not a field name.`);
    }
    return name;
  });
}

function parseSearch(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw new InvalidQueryError('"search" must be a single string.');
  if (raw.includes('\u0000')) {
    throw new InvalidQueryError('"search" must not contain the NUL character (\\u0000).');
  }
  return raw;
}

function parseMeta(raw: unknown): MetaKind[] {
  if (raw === undefined) return [];
  const kinds = new Set<MetaKind>();
  for (const item of toStringList(raw, 'meta')) {
    if (item === '*') {
      kinds.add('total_count').add('filter_count');
    } else if (item === 'total_count' || item === 'filter_count') {
      kinds.add(item);
    } else {
      throw new InvalidQueryError(
        `"meta": ${show(item)} is not supported (expected total_count, filter_count or *).`,
      );
    }
  }
  return [...kinds];
}

/** `aggregate[count]=*`, `aggregate[sum]=quantity,quantity_created`, or the same as JSON. */
function parseAggregate(raw: unknown): AggregateQuery | null {
  if (raw === undefined || raw === '') return null;
  const result: AggregateQuery = {};
  for (const [name, value] of Object.entries(toObject(raw, 'aggregate'))) {
    const where = `aggregate[${name}]`;
    if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(name)) {
      throw new InvalidQueryError(
        `"${where}": unknown function ${show(name)}. Expected one of ${AGGREGATE_FUNCTIONS.join(', ')}.`,
      );
    }
    const fn = name as AggregateFunction;
    const fields = toStringList(value, where);
    if (fields.length === 0) throw new InvalidQueryError(`"${where}" needs at least one field.`);
    for (const field of fields) {
      if (field === '*' ? fn !== 'count' : !isFieldName(field)) {
        throw new InvalidQueryError(
          `"${where}": ${show(field)} is not a field name${fn === 'count' ? ' or *' : ''}.`,
        );
      }
    }
    if (fields.includes('*') && fields.length > 1) {
      throw new InvalidQueryError(`"${where}": use either * or field names, not both.`);
    }
    result[fn] = [...new Set(fields)];
  }
  return Object.keys(result).length === 0 ? null : result;
}
