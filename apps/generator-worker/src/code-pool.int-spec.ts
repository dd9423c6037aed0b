import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { startWorkerTestEnv, TEST_PRODUCT as PRODUCT, WorkerTestEnv } from '@sid/shared/testing';

/**
 * Pool top-up by a real generator-worker process: the job scheduler checks every pool each
 * POOL_CHECK_INTERVAL_MS and refills those below their minimum, one refill at a time, with
 * nobody asking (the pool rows are written straight to the database, so no writer enqueued a
 * check).
 */
let env: WorkerTestEnv;
let client: Client;
let account: string;

beforeAll(async () => {
  env = await startWorkerTestEnv('pool_topup', runMigrations);
  ({ client, account } = env);
});

afterAll(async () => {
  await env?.close();
});

interface Level {
  unassigned_count: number;
  refills: number;
  pending: number;
}

async function level(pool: string): Promise<Level> {
  const { rows } = await client.query(
    `SELECT l.unassigned_count,
       (SELECT count(*)::int FROM identifier_job WHERE code_pool = l.id) AS refills,
       (SELECT count(*)::int FROM identifier_job WHERE code_pool = l.id AND status IN ('new', 'in_progress')) AS pending
     FROM code_pool_level l WHERE l.id = $1`,
    [pool],
  );
  return rows[0];
}

/** Samples the pool every 20 ms until `done` holds; returns every sample. */
async function watch(pool: string, done: (level: Level) => boolean): Promise<Level[]> {
  const samples: Level[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const sample = await level(pool);
    samples.push(sample);
    if (done(sample)) return samples;
    await sleep(20);
  }
  throw new Error(`pool ${pool} never got there: ${JSON.stringify(samples.at(-1))}\n${env.logs()}`);
}

it('tops a pool up to its minimum by itself, one refill at a time, and again once codes are used', async () => {
  const { rows } = await client.query(
    `INSERT INTO code_pool (account, product, code_type, min_unassigned, refill_quantity, length)
     VALUES ($1, $2, 'sgtin', 5000, 3000, 10) RETURNING id`,
    [account, PRODUCT],
  );
  const pool: string = rows[0].id;
  await env.start('generator-worker', { POOL_CHECK_INTERVAL_MS: '1000' });

  // 3,000 is not enough for a minimum of 5,000: a second refill follows the first.
  const filling = await watch(pool, (l) => l.unassigned_count >= 5_000 && l.pending === 0);
  expect(filling.every((l) => l.pending <= 1)).toBe(true);
  expect(filling.at(-1)).toEqual({ unassigned_count: 6_000, refills: 2, pending: 0 });

  // Full: further checks make nothing.
  await sleep(2_500);
  expect(await level(pool)).toEqual({ unassigned_count: 6_000, refills: 2, pending: 0 });

  // Codes used (taken out of the pool): the next check refills once.
  await client.query(
    `DELETE FROM unique_code WHERE id IN (SELECT id FROM unique_code WHERE product = $1 LIMIT 1500)`,
    [PRODUCT],
  );
  const refilling = await watch(pool, (l) => l.refills === 3 && l.pending === 0);
  expect(refilling.every((l) => l.pending <= 1)).toBe(true);
  expect(refilling.at(-1)).toEqual({ unassigned_count: 7_500, refills: 3, pending: 0 });
  const { rows: jobs } = await client.query(
    `SELECT status, quantity, length, reference_id FROM identifier_job WHERE code_pool = $1`,
    [pool],
  );
  expect(jobs).toEqual(
    Array.from({ length: 3 }, () => ({
      status: 'complete',
      quantity: 3_000,
      length: 10,
      reference_id: 'pool refill',
    })),
  );
});
