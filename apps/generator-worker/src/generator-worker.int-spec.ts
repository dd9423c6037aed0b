import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import {
  DEFAULT_JOB_OPTIONS,
  GenerateIdentifiersPayload,
  jobId,
  JobName,
  QueueName,
  redisConnectionOptions,
} from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';

/**
 * Real generator-worker processes against the suite's own database and Redis prefix: a worker
 * killed with SIGKILL in the middle of a job loses nothing, and a job Redis never heard of is
 * found by the recovery sweep.
 */
const ROOT = resolve(__dirname, '../../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-${randomBytes(6).toString('hex')}`;
const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;
const QUANTITY = 200_000;

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<unknown>;
}

let database: TestDatabase;
let client: Client;
let queue: Queue;
let account: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('generator_worker');
  await runMigrations(database.url);
  client = new Client({ connectionString: database.url });
  await client.connect();
  [{ id: account }] = (
    await client.query(`INSERT INTO account (name) VALUES ('Brand') RETURNING id`)
  ).rows;
  await client.query(
    `INSERT INTO domain (account, host, is_default) VALUES ($1, 'id.brand.test', true)`,
    [account],
  );
  await client.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    PRODUCT,
    GTIN,
    account,
  ]);
  queue = new Queue(QueueName.IdentifierGeneration, {
    connection: redisConnectionOptions(REDIS_URL),
    prefix: PREFIX,
  });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorker(w)));
  await queue?.close();
  // Every key of the suite's prefix, whichever queue the workers touched.
  const redis = new Redis(redisConnectionOptions(REDIS_URL));
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await client?.end();
  await database?.drop();
});

function startWorker(): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'apps/generator-worker/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        REDIS_URL,
        QUEUE_PREFIX: PREFIX,
        GENERATOR_CHUNK_SIZE: '20000',
        QUEUE_LOCK_DURATION_MS: '3000',
        RECOVERY_INTERVAL_MS: '2000',
        LOG_LEVEL: 'warn',
        HEALTH_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const worker = { child, pid: child.pid as number, output, exited: once(child, 'exit') };
  workers.push(worker);
  return worker;
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null)
    worker.child.kill('SIGKILL');
  await worker.exited;
}

const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

async function insertJob(quantity: number): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO identifier_job (account, product, quantity, type, length) VALUES ($1, $2, $3, 'sgtin', 10) RETURNING id`,
    [account, PRODUCT, quantity],
  );
  return rows[0].id;
}

/** Enqueues the job exactly as `JobQueue.add` does: same queue, job name, job id and options. */
async function enqueue(identifierJobId: string): Promise<void> {
  const payload: GenerateIdentifiersPayload = { identifierJobId };
  await queue.add(JobName.GenerateIdentifiers, payload, {
    ...DEFAULT_JOB_OPTIONS,
    jobId: jobId(JobName.GenerateIdentifiers, payload),
  });
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
      `identifier_job ${id} did not finish: ${status}, ${samples.at(-1)} created${workerLogs()}`,
    );
  })();
  return { samples, done, latest: () => samples.at(-1) ?? 0 };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}${workerLogs()}`);
}

/** What the workers said, for the message of a failure. */
function workerLogs(): string {
  return workers.map((w) => `\n--- worker ${w.pid}:\n${w.output.join('').slice(-3000)}`).join('');
}

/**
 * The worker process that is inside a chunk transaction right now: the only sessions holding a
 * transaction id are chunk transactions (they lock the job row), so find that session's client
 * port and the process that owns the socket.
 */
async function workerInChunk(): Promise<WorkerProcess | undefined> {
  const { rows } = await client.query<{ client_port: number }>(
    `SELECT client_port FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
    [database.name],
  );
  if (rows.length !== 1) return undefined;
  const inodes = socketInodes(rows[0].client_port, 5432);
  return alive().find((w) => {
    try {
      return readdirSync(`/proc/${w.pid}/fd`).some((fd) => {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkOrEmpty(`/proc/${w.pid}/fd/${fd}`));
        return match !== null && inodes.has(match[1]);
      });
    } catch {
      return false;
    }
  });
}

/** Inodes of the TCP sockets from local port `port` to remote port `remotePort` (/proc/net/tcp*). */
function socketInodes(port: number, remotePort: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const local = parseInt(fields[1].split(':')[1], 16);
      const remote = parseInt(fields[2].split(':')[1], 16);
      if (local === port && remote === remotePort) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
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
    startWorker();
    startWorker();
    const id = await insertJob(QUANTITY);
    await enqueue(id);
    const watcher = watch(id);

    const holder = await until('a worker in the middle of the job', async () => {
      const created = watcher.latest();
      if (created <= 0 || created >= QUANTITY) return undefined;
      return workerInChunk();
    });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const atKill = (await jobRow(id)).quantity_created;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(QUANTITY);
    expect(alive()).toHaveLength(1);
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
    if (alive().length === 0) startWorker();
    const id = await insertJob(QUANTITY);
    await enqueue(id);
    const watcher = watch(id);

    await until('the job in the middle', () => {
      const created = watcher.latest();
      return created > 0 && created < QUANTITY ? created : undefined;
    });
    await Promise.all(alive().map((w) => stopWorker(w)));
    const atKill = (await jobRow(id)).quantity_created;
    expect(atKill).toBeLessThan(QUANTITY);
    startWorker();

    await watcher.done;
    await expectExactlyComplete(id, QUANTITY);
    expectNeverBackwards(watcher.samples);
  });

  it('finds and completes a job that Redis never received', async () => {
    if (alive().length === 0) startWorker();
    const id = await insertJob(30_000); // and no BullMQ job

    await watch(id).done;
    await expectExactlyComplete(id, 30_000);
  });
});
