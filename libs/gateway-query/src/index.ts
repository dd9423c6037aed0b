/**
 * @sid/gateway-query: the Directus item API's read side, from query string to ONE parameterised
 * PostgreSQL statement (the gateway's alone; the collection contract is @sid/shared/items).
 *
 * Reads: `parseItemQuery(req.query, limits)` → `ItemQuery`; `compileItemQuery` /
 * `compileCountQuery` / `compileAggregateQuery(registry, collection, query, scope)` → `{ sql, params }`.
 * Identifiers come only from the `CollectionDefinition`s (double-quoted; aliases t0, t1... are
 * generated); every user value is a `$n` parameter with an explicit cast.
 *
 * Supported (Directus global query parameters):
 * - fields: comma list or array; `*`; `rel.field`; `rel.*`; `a.b.c` (up to 5 relations deep);
 *   `*.*` (every field + `*` of every relation, one-to-many included). Default `*`.
 *   `*` leaves out one-to-many fields (they can hold a million codes): ask for `codes` (array of
 *   keys) or `codes.*` / `codes.code` (array of objects). m2o: bare = the key, `rel.x` = object.
 * - filter: nested object (qs) or JSON string. _eq _neq _lt _lte _gt _gte _in _nin _null _nnull
 *   _contains _ncontains _icontains _nicontains _starts_with _nstarts_with _istarts_with
 *   _nistarts_with _ends_with _nends_with _iends_with _niends_with _between _nbetween _empty
 *   _nempty; _and / _or (arrays or qs numeric-key objects); m2o `filter[product][gtin][_eq]`;
 *   o2m `filter[codes][code][_eq]` (some related row matches), `_some` / `_none`.
 *   Dynamic values `$NOW`, `$NOW(-1 day)` (second…year) and `$CURRENT_USER`.
 * - sort (own columns; m2o sorts by key; primary key always appended), limit (-1 = every row,
 *   or a 400 when a maxLimit is set), offset, page, search (ILIKE over searchFields, else every
 *   string field), meta (total_count, filter_count, *), aggregate (count, countDistinct, sum,
 *   sumDistinct, avg, avgDistinct, min, max), groupBy (plain fields), deep (_limit, _offset, _sort, _filter on
 *   one-to-many fields, nested through relations). One-to-many arrays are limited to the default
 *   limit unless deep[<field>][_limit] says otherwise.
 * - Tenant scope: with `scope.accountId`, the main table and every related table with a
 *   `tenantField` are confined to that account (related rows of others read as null / absent).
 *
 * Not supported: `alias`, `export`, `version`, `backlink` (refused), field functions
 * (`year(date_created)`, `count(codes)`), filter `_regex`, `_intersects` & geo operators,
 * `_has`-style array operators, `$CURRENT_ROLE` & other dynamic variables, sorting by related
 * fields (`sort=product.gtin`), groupBy on functions, many-to-any relations, deep `_search` /
 * `_page`, `deep` options on many-to-one fields. Objects wider than 50 keys are merged as jsonb,
 * so their key order is jsonb's, not the definition's. Timestamp columns are assumed timestamptz.
 */
export * from './item-query';
export * from './parse-item-query';
export { parseFilter } from './parse-filter';
export { compileItemQuery, compileCountQuery, compileKeyQuery } from './compile-item-query';
export * from './compile-aggregate-query';
export * from './item-by-id';
