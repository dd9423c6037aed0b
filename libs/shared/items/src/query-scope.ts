/** Whose data a read may see, and what `$CURRENT_USER` / `$NOW` resolve to. */
export interface QueryScope {
  /** Rows of other accounts are never visible. `null` = admin: no tenant filter at all. */
  accountId: string | null;
  /** `$CURRENT_USER`; `null` makes comparisons with it match nothing. */
  userId: string | null;
  /** `$NOW`; defaults to the time of compilation (tests pin it). */
  now?: Date;
}

/** One statement and its `$n` parameters, ready for `pg`'s `client.query(sql, params)`. */
export interface CompiledQuery {
  sql: string;
  params: unknown[];
}
