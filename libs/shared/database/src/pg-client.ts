import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Lends a raw `pg` client from TypeORM's own pool, for the hot paths that TypeORM cannot express
 * (COPY streams, SKIP LOCKED claims in one round trip). The client is released afterwards.
 */
export async function withPgClient<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    return await work(client);
  } finally {
    await runner.release();
  }
}

/** Runs `work` in a transaction on a raw client: COMMIT on success, ROLLBACK on any error. */
export async function inPgTransaction<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return withPgClient(db, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Like `withPgClient`, for work that may abandon the connection midway, such as a `COPY ... TO
 * STDOUT` stream whose consumer failed: the server may still be sending rows, so after a failure
 * the client is closed (and the statement with it) instead of going back to the pool.
 */
export async function withStreamingPgClient<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const [client, release] = (await (db.driver as PostgresDriver).obtainMasterConnection()) as [
    PoolClient,
    (destroy?: Error) => void,
  ];
  // A dropped connection does not crash the process: every pooled client listens for its own
  // errors (GuardedClient); the running query or stream reports it to `work`.
  let result: T;
  try {
    result = await work(client);
  } catch (error) {
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  release();
  return result;
}
