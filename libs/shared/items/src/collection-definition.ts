/**
 * What the generic Directus-style item API knows about one collection: its table, its fields and
 * their types, its relations. It is the single whitelist between query text and SQL: a field that
 * is not declared here cannot be selected, filtered, sorted or searched.
 */
export type FieldType =
  'string' | 'integer' | 'bigInteger' | 'float' | 'boolean' | 'timestamp' | 'uuid' | 'json';

export interface ManyToOne {
  kind: 'm2o';
  /** The related collection; this field's column holds its primary key. */
  collection: string;
}

export interface OneToMany {
  kind: 'o2m';
  /** The related collection, whose `field` points back at this collection's primary key. */
  collection: string;
  field: string;
}

export interface FieldDefinition {
  type: FieldType;
  /**
   * Longest string a write may store (characters). Without it a string field takes
   * DEFAULT_MAX_STRING_LENGTH (see column-values.ts): no column is unbounded for a partner.
   */
  maxLength?: number;
  /** Column name when it differs from the field name. */
  column?: string;
  relation?: ManyToOne | OneToMany;
}

export interface CollectionDefinition {
  /** Public name, as in `/items/<name>`. */
  name: string;
  table: string;
  primaryKey: string;
  fields: Record<string, FieldDefinition>;
  /** Fields matched by `?search=` (case-insensitive substring). */
  searchFields?: string[];
  /** Column holding the owning account: callers only ever see rows of their own account. */
  tenantField?: string;
  /** Exact counts of the rows kept per group of some of its fields, read instead of the rows. */
  tally?: TallyDefinition;
}

/**
 * A table of signed row counts per group of `fields` (and the tenant field), kept exact by the
 * collection's own triggers in every writing transaction (unique_code: the CodeTally migration).
 * A count whose filter tests only these fields is the sum of `countColumn` over the groups it
 * matches: the same number as counting the rows, without reading them.
 */
export interface TallyDefinition {
  table: string;
  countColumn: string;
  /** Fields of the collection, each a column of the same name in `table`. */
  fields: string[];
}
