/**
 * A Directus read query after parsing: every parameter has been checked for shape (integers are
 * integers, operators exist, names look like names), but not yet against a collection. The
 * compiler checks names against the collection definitions and turns values into `$n` parameters.
 */

/** Comparison operators, as in Directus' filter rules. */
export const FILTER_OPERATORS = [
  '_eq',
  '_neq',
  '_lt',
  '_lte',
  '_gt',
  '_gte',
  '_in',
  '_nin',
  '_null',
  '_nnull',
  '_contains',
  '_ncontains',
  '_icontains',
  '_nicontains',
  '_starts_with',
  '_nstarts_with',
  '_istarts_with',
  '_nistarts_with',
  '_ends_with',
  '_nends_with',
  '_iends_with',
  '_niends_with',
  '_between',
  '_nbetween',
  '_empty',
  '_nempty',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A scalar as it came in: qs gives strings, a JSON filter may give numbers, booleans and null. */
export type FilterScalar = string | number | boolean | null;

/** `_in`, `_nin`, `_between` and `_nbetween` carry a list; every other operator one scalar. */
export type FilterValue = FilterScalar | FilterScalar[];

export type FilterNode = LogicalFilter | ConditionFilter | RelationFilter;

export interface LogicalFilter {
  type: 'and' | 'or';
  nodes: FilterNode[];
}

/** `<field> <operator> <value>` on a field of the collection the node is evaluated in. */
export interface ConditionFilter {
  type: 'condition';
  field: string;
  operator: FilterOperator;
  value: FilterValue;
  /** Where it was written, e.g. `filter[status][_eq]`: used in error messages. */
  path: string;
}

/**
 * A filter on the rows a relational field points to. For a many-to-one field the related row
 * must match; for a one-to-many field some (`some`, the default) or none of the related rows.
 */
export interface RelationFilter {
  type: 'relation';
  field: string;
  quantifier: 'some' | 'none' | null;
  filter: FilterNode;
  path: string;
}

export interface SortField {
  field: string;
  direction: 'asc' | 'desc';
}

export type MetaKind = 'total_count' | 'filter_count';

export const AGGREGATE_FUNCTIONS = [
  'count',
  'countDistinct',
  'sum',
  'sumDistinct',
  'avg',
  'avgDistinct',
  'min',
  'max',
] as const;

export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** `aggregate[count]=*` → `{ count: ['*'] }`; `aggregate[sum]=quantity` → `{ sum: ['quantity'] }`. */
export type AggregateQuery = Partial<Record<AggregateFunction, string[]>>;

/** `deep[<o2m field>][_limit|_offset|_sort|_filter]`, nested for relations of relations. */
export interface DeepQuery {
  limit?: number;
  offset?: number;
  sort?: SortField[];
  filter?: FilterNode;
  /** Keyed by relational field name of the related collection. */
  nested: Map<string, DeepQuery>;
}

export interface ItemQuery {
  /** Dotted field paths (`id`, `product.gtin`, `codes.*`, `*.*`); `['*']` when not given. */
  fields: string[];
  filter: FilterNode | null;
  search: string | null;
  /** As requested; the compiler appends the primary key as the final tiebreaker. */
  sort: SortField[];
  limit: number;
  offset: number;
  meta: MetaKind[];
  aggregate: AggregateQuery | null;
  groupBy: string[];
  /** Keyed by relational field name of the queried collection. */
  deep: Map<string, DeepQuery>;
  /** Rows per one-to-many field when `deep[<field>][_limit]` is not given (Directus: the default limit). */
  relationLimit: number;
}

export interface ItemQueryLimits {
  defaultLimit: number;
  /** The largest `limit` allowed; null or absent: none, and `limit=-1` reads every row. */
  maxLimit?: number | null;
}

/** The `limit` of `limit=-1`: every row (bound as a bigint, PostgreSQL's LIMIT takes it as no limit). */
export const ALL_ROWS = Number.MAX_SAFE_INTEGER;
