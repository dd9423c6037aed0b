import { setTimeout as sleep } from 'node:timers/promises';
import { Client, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../data-source';

/**
 * Run as its own Node process by pg-client.int-spec.ts (an unhandled 'error' event ends a real
 * process, while Jest would only report it): a connection taken from the pool the way TypeORM
 * takes one for its start-up queries (no listener of its own) has its backend terminated between
 * two queries, as a PostgreSQL restart does. Prints `result:` lines: `alive`, how the next query
 * on that connection went, and whether the pool still works.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL as string;
  const db = await new DataSource(dataSourceOptions({ url, poolSize: 2 })).initialize();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const [client, release] = (await (db.driver as PostgresDriver).obtainMasterConnection()) as [
      PoolClient,
      (error?: Error) => void,
    ];
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await sleep(500);
    const next = await client.query('SELECT 1').then(
      () => 'answered',
      (error: Error) => `refused: ${error.message}`,
    );
    release();
    process.stdout.write(`result: alive\nresult: ${next}\n`);
    const [{ ok }] = await db.query('SELECT 1 AS ok');
    process.stdout.write(`result: pool ${ok === 1 ? 'works' : 'broken'}\n`);
  } finally {
    await admin.end();
    await db.destroy();
  }
}

void main();
