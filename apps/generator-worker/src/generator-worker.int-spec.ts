import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { JobName, QueueName } from '@sid/shared/queue';
import {
  AppProcess,
  appsInTransaction,
  enqueueAsJobQueue,
  startWorkerTestEnv,
  TEST_PRODUCT as PRODUCT,
  WorkerTestEnv,
} from '@sid/shared/testing';

/**
 * Real generator-worker processes against the suite's own database and Redis prefix: a worker
 * killed with SIGKILL in the middle of a job loses nothing, and a job Redis never heard of is
 * found by the recovery sweep.
 */
const QUANTITY = 200_000;

let env: WorkerTestEnv;
let client: Client;
let account: string;

beforeAll(async () => {
  env = await startWorkerTestEnv('generator_worker', runMigrations);
  ({ client, account } = env);
});

afterAll(async () => {
  await env?.close();
});

function startWorker(): Promise<AppProcess> {
  return env.start('generator-worker', { NODE_ENV: 'test', GENERATOR_CHUNK_SIZE: '20000' });
}

async function insertJob(quantity: number): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO identifier_job (account, product, quantity, type, length) VALUES ($1, $2, $3, 'sgtin', 10) RETURNING id`,
    [account, PRODUCT, quantity],
  );
  return rows[0].id;
}

/** Enqueues the job exactly as `JobQueue.add` does: same queue, job name, job id and options. */
async function enqueue(identifierJobId: string): Promise<void> {
  const queue = env.queue(QueueName.IdentifierGeneration);
  await enqueueAsJobQueue(queue, JobName.GenerateIdentifiers, { identifierJobId });
}

async function jobRow(
  id: string,
): Promise<{ status: string; quantity_created: number; error_message: string | null }> {
  const { rows } = await client.query(
    `SELECT status, quantity_created, error_message FROM identifier_job WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Samples quantity_created every 25 ms until the job is complete or errored. */
function watch(id: string) {
  const samples: number[] = [];
  let status = 'new';
  const done = (async () => {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const row = await jobRow(id);
      samples.push(row.quantity_created);
      status = row.status;
      if (status === 'complete' || status === 'error') return row;
      await sleep(25);
    }
    throw new Error(
      `identifier_job ${id} did not finish: ${status}, ${samples.at(-1)} created${env.logs()}`,
    );
  })();
  return { samples, done, latest: () => samples.at(-1) ?? 0 };
}

/**
 * The worker process that is inside a chunk transaction right now: the only sessions holding a
 * transaction id are chunk transactions (they lock the job row).
 */
async function workerInChunk(): Promise<AppProcess | undefined> {
  const holders = await appsInTransaction(client, env.database.name, env.alive());
  return holders.length === 1 ? holders[0] : undefined;
}

async function expectExactlyComplete(id: string, quantity: number): Promise<void> {
  expect(await jobRow(id)).toEqual({
    status: 'complete',
    quantity_created: quantity,
    error_message: null,
  });
  const { rows } = await client.query(
    `SELECT count(*)::int AS codes, count(DISTINCT code)::int AS distinct_codes FROM unique_code WHERE identifier_job = $1`,
    [id],
  );
  expect(rows[0]).toEqual({ codes: quantity, distinct_codes: quantity });
}

function expectNeverBackwards(samples: number[]): void {
  expect(samples.length).toBeGreaterThan(1);
  for (let i = 1; i < samples.length; i++)
    expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1]);
}

describe('generator-worker processes', () => {
  it('finish a job exactly when the worker holding it is killed with SIGKILL', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const id = await insertJob(QUANTITY);
    await enqueue(id);
    const watcher = watch(id);

    const holder = await env.until('a worker in the middle of the job', async () => {
      const created = watcher.latest();
      if (created <= 0 || created >= QUANTITY) return undefined;
      return workerInChunk();
    });
    await holder.kill();
    const atKill = (await jobRow(id)).quantity_created;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(QUANTITY);
    expect(env.alive()).toHaveLength(1);
    // The killed worker was the one holding the job: nothing moves until its lock (3 s, renewed
    // every 1.5 s) has expired and the other worker takes the stalled job over.
    await sleep(1_000);
    expect((await jobRow(id)).quantity_created).toBe(atKill);

    await watcher.done;
    await expectExactlyComplete(id, QUANTITY);
    expectNeverBackwards(watcher.samples);
    expect(watcher.samples.filter((s) => s > atKill).length).toBeGreaterThan(0);
  });

  it('finish a job exactly when every worker is killed and a fresh one is started', async () => {
    if (env.alive().length === 0) await startWorker();
    const id = await insertJob(QUANTITY);
    await enqueue(id);
    const watcher = watch(id);

    await env.until('the job in the middle', () => {
      const created = watcher.latest();
      return created > 0 && created < QUANTITY ? created : undefined;
    });
    await Promise.all(env.alive().map((w) => w.kill()));
    const atKill = (await jobRow(id)).quantity_created;
    expect(atKill).toBeLessThan(QUANTITY);
    await startWorker();

    await watcher.done;
    await expectExactlyComplete(id, QUANTITY);
    expectNeverBackwards(watcher.samples);
  });

  it('finds and completes a job that Redis never received', async () => {
    if (env.alive().length === 0) await startWorker();
    const id = await insertJob(30_000); // and no BullMQ job

    await watch(id).done;
    await expectExactlyComplete(id, 30_000);
  });
});
