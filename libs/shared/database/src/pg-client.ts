import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';

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
