/**
 * @sid/shared/items: the contract of the Directus item collections, shared by the gateway and the
 * domain libs: collection definitions and their registry, the writers' interface (one collection
 * each, batch updates over a compiled selection), the acting user and payload validation. The
 * query language itself (query string to parameterised SQL) is the gateway's: @sid/gateway-query.
 */
export * from './actor';
export * from './collection-definition';
export * from './collection-writer';
export * from './prepare-each';
export * from './validate-payload';
export * from './collection-registry';
export * from './query-scope';
export * from './is-uuid-like';
export * from './column-values';
