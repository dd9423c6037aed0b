import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import {
  DEFAULT_JOB_OPTIONS,
  jobId,
  JobName,
  JobPayloads,
  QueueName,
  redisConnectionOptions,
} from '@sid/shared/queue';
import { AppName, AppProcess, eventually, startApp } from './app-process';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_GTIN = '09506000134352';
export const TEST_PRODUCT = `/01/${TEST_GTIN}`;
export const TEST_HOST = 'id.brand.test';

/** A pg `Client` (rows in `result.rows`) or a TypeORM `DataSource` (rows returned as is). */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The account every worker suite starts from: `Brand`, its default link domain `TEST_HOST` and
 * one product, `TEST_PRODUCT`. Returns the account id.
 */
export async function seedBrand(db: SqlRunner): Promise<string> {
  const [{ id: account }] = rowsOf<{ id: string }>(
    await db.query(`INSERT INTO account (name) VALUES ('Brand') RETURNING id`),
  );
  await db.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, $2, true)`, [
    account,
    TEST_HOST,
  ]);
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    TEST_PRODUCT,
    TEST_GTIN,
    account,
  ]);
  return account;
}

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** Deletes every Redis key under `prefix`, whichever queue wrote it. */
export async function clearRedisPrefix(prefix: string, redisUrl = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(redisConnectionOptions(redisUrl));
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/**
 * Enqueues on a bare BullMQ queue exactly as `JobQueue.add` does (same job name, job id and
 * options), for a test or bench that runs no Nest app of its own.
 */
export async function enqueueAsJobQueue<J extends JobName>(
  queue: Queue,
  name: J,
  payload: JobPayloads[J],
  trigger?: string,
): Promise<void> {
  await queue.add(name, payload, {
    ...DEFAULT_JOB_OPTIONS,
    jobId: jobId(name, payload, trigger),
  });
}

export interface WorkerTestEnv {
  database: TestDatabase;
  /** A connection of the suite's own. */
  client: Client;
  /** The seeded account (see `seedBrand`). */
  account: string;
  /** The suite's Redis key prefix (QUEUE_PREFIX of every app it starts). */
  prefix: string;
  /** A BullMQ queue under the suite's prefix (closed by `close()`). */
  queue(name: QueueName): Queue;
  /**
   * Starts `name` as a real process against the suite's database and prefix (short lock and
   * recovery intervals, health on a free port), `env` on top.
   */
  start(name: AppName, env?: Record<string, string>): Promise<AppProcess>;
  alive(): AppProcess[];
  /** The tail of what every app printed, for the message of a failure. */
  logs(): string;
  /** Polls `probe` until it returns a value; on timeout fails with the apps' output. */
  until<T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    options?: { timeoutMs?: number; intervalMs?: number },
  ): Promise<T>;
  /** Closes the queues, SIGKILLs every app, deletes the prefix's Redis keys, drops the database. */
  close(): Promise<void>;
}

/**
 * A database of the suite's own, migrated by `migrate` (`runMigrations` of @sid/shared/database,
 * passed in: that lib's own tests use this one), with `seedBrand` in it; a fresh Redis prefix;
 * and the worker processes started against them. Call `close()` in afterAll.
 */
export async function startWorkerTestEnv(
  label: string,
  migrate: (databaseUrl: string) => Promise<unknown>,
): Promise<WorkerTestEnv> {
  const database = await createTestDatabase(label);
  const client = new Client({ connectionString: database.url });
  let account: string;
  try {
    await migrate(database.url);
    await client.connect();
    account = await seedBrand(client);
  } catch (error) {
    await client.end().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const apps: AppProcess[] = [];
  const queues = new Map<QueueName, Queue>();
  const alive = () =>
    apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);
  const logs = () =>
    apps.map((a) => `\n--- ${a.name} ${a.child.pid}:\n${a.output().slice(-3000)}`).join('');

  return {
    database,
    client,
    account,
    prefix,
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection: redisConnectionOptions(TEST_REDIS_URL), prefix });
        queues.set(name, queue);
      }
      return queue;
    },
    alive,
    logs,
    async start(name, env = {}) {
      const app = await startApp(name, {
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        QUEUE_LOCK_DURATION_MS: '3000',
        RECOVERY_INTERVAL_MS: '2000',
        LOG_LEVEL: 'warn',
        HEALTH_PORT: '0',
        ...env,
      });
      apps.push(app);
      return app;
    },
    async until(what, probe, { timeoutMs = 60_000, intervalMs = 20 } = {}) {
      try {
        return await eventually(probe, timeoutMs, what, intervalMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}${logs()}`);
      }
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await Promise.all(apps.map((app) => app.kill()));
      await clearRedisPrefix(prefix);
      await client.end();
      await database.drop();
    },
  };
}
