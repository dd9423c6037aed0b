/**
 * The row count the planner works with (`reltuples`, -1 before the table's first VACUUM or
 * ANALYZE). `pg_stat_user_tables.n_mod_since_analyze` is not used: a backend reports its counts up
 * to a second after its commits, so the counts of a job just analysed arrive after the ANALYZE that
 * reset them, and the next small write would analyse again for nothing.
 */
export const PLANNED_ROWS = `SELECT c.reltuples::float8 AS planned FROM pg_class c WHERE c.oid = $1::regclass`;

/**
 * VACUUM sets the visibility map of freshly inserted pages (an index-only count then reads no heap
 * page) and, with ANALYZE, the planner's figures. Neither runs inside a transaction block.
 * Identifiers cannot be parameters: the table name comes from the code, never from a request.
 */
export const vacuumAnalyze = (table: string) => `VACUUM (ANALYZE) ${table}`;

export const analyze = (table: string) => `ANALYZE ${table}`;
