import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { becomeTenant } from './tenant-transaction';

export interface CursorOptions {
  /** Rows per FETCH: what is held in memory at once. */
  batchSize?: number;
  /**
   * Read as this account's tenant (the row-level security role with `sid.account` set, see
   * inTenantTransaction), for the whole cursor. Absent: as the connection's own user.
   */
  tenantAccount?: string;
}

/** Every column comes back as PostgreSQL's text (json stays the JSON text it already is). */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Reads a statement's rows through a server-side cursor (DECLARE ... CURSOR / FETCH in a
 * read-only transaction): batches of `batchSize` rows, each column as text, the next batch only
 * fetched when the consumer asks for it, so a million rows never sit in memory together.
 *
 * The connection is held until the generator finishes. Stopped early (`return()`, e.g. the HTTP
 * client went away), the transaction is rolled back and the connection goes back to the pool;
 * after an error it is closed instead, since its state is unknown.
 */
export async function* cursorRows(
  db: DataSource,
  sql: string,
  params: unknown[],
  { batchSize = 1000, tenantAccount }: CursorOptions = {},
): AsyncGenerator<Record<string, string>[], void, undefined> {
  const [client, release] = (await (db.driver as PostgresDriver).obtainMasterConnection()) as [
    PoolClient,
    (destroy?: Error) => void,
  ];
  // A dropped connection does not crash the process (GuardedClient); the query reports it.
  let released = false;
  const finish = (error?: Error): void => {
    released = true;
    release(error);
  };
  try {
    await client.query('BEGIN READ ONLY');
    if (tenantAccount !== undefined) await becomeTenant(client, tenantAccount);
    await client.query(`DECLARE rows_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Record<string, string>>({
        text: `FETCH ${Math.trunc(batchSize)} FROM rows_cursor`,
        types: AS_TEXT,
      });
      if (rows.length === 0) break;
      yield rows;
      if (rows.length < batchSize) break;
    }
    await client.query('COMMIT');
    finish();
  } catch (error) {
    finish(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    // Stopped early by the consumer, between two batches: the connection is idle in the
    // transaction, so a ROLLBACK returns it clean.
    if (!released) {
      await client.query('ROLLBACK').then(
        () => finish(),
        (error: Error) => finish(error),
      );
    }
  }
}
