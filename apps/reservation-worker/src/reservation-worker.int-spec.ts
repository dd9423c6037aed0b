import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import {
  ClaimCodesPayload,
  DEFAULT_JOB_OPTIONS,
  jobId,
  JobName,
  QueueName,
  redisConnectionOptions,
} from '@sid/shared/queue';
import {
  AppProcess,
  appsInTransaction,
  createTestDatabase,
  startApp,
  TestDatabase,
} from '@sid/shared/testing';

/**
 * Real reservation-worker processes claiming from one pool at once, one of them killed with
 * SIGKILL in the middle of a claim, some claims delivered twice: every reservation ends holding
 * exactly its quantity, and no code is ever handed out twice (a trigger records every hand-out
 * that commits, so even a code given to one reservation and then to another would show).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-${randomBytes(6).toString('hex')}`;
const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;
const SPARE = 3_000;

let database: TestDatabase;
let client: Client;
let queues: Record<QueueName.CodeReservation | QueueName.CodeExport, Queue>;
let account: string;
const apps: AppProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('reservation_worker');
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
  await client.query(`
    CREATE TABLE claim_audit (code uuid NOT NULL, reservation uuid NOT NULL);
    CREATE FUNCTION audit_claim() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO claim_audit (code, reservation) VALUES (NEW.id, NEW.reservation);
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit_claim AFTER UPDATE OF reservation ON unique_code
      FOR EACH ROW WHEN (NEW.reservation IS NOT NULL AND NEW.reservation IS DISTINCT FROM OLD.reservation)
      EXECUTE FUNCTION audit_claim();`);
  const connection = redisConnectionOptions(REDIS_URL);
  queues = {
    [QueueName.CodeReservation]: new Queue(QueueName.CodeReservation, {
      connection,
      prefix: PREFIX,
    }),
    [QueueName.CodeExport]: new Queue(QueueName.CodeExport, { connection, prefix: PREFIX }),
  };
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.kill()));
  if (queues) {
    // Every key of the suite's prefix, whichever queue the workers touched.
    await Promise.all(Object.values(queues).map((queue) => queue.close()));
    const redis = new Redis(redisConnectionOptions(REDIS_URL));
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
  await client?.end();
  await database?.drop();
});

async function start(app: 'reservation-worker' | 'generator-worker'): Promise<AppProcess> {
  const started = await startApp(app, {
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    RESERVATION_BATCH_SIZE: '500',
    WORKER_CONCURRENCY: '4',
    QUEUE_LOCK_DURATION_MS: '3000',
    RECOVERY_INTERVAL_MS: '2000',
    LOG_LEVEL: 'warn',
    HEALTH_PORT: '0',
  });
  apps.push(started);
  return started;
}

const alive = () =>
  apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);

async function seedCodes(count: number, type: 'sgtin' | 'short_code'): Promise<void> {
  await client.query(
    `INSERT INTO unique_code (account, code, type, product, digital_link)
     SELECT $1, $3 || g, $2, $4, 'https://id.brand.test/' || $3 || g FROM generate_series(1, $5::int) g`,
    [
      account,
      type,
      `${type === 'sgtin' ? 'S' : 'C'}${randomBytes(3).toString('hex')}-`,
      type === 'sgtin' ? PRODUCT : null,
      count,
    ],
  );
}

async function insertReservation(quantity: number, type: 'sgtin' | 'short_code'): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO code_reservation (account, quantity, code_type, product) VALUES ($1, $2, $3, $4) RETURNING id`,
    [account, quantity, type, type === 'sgtin' ? PRODUCT : null],
  );
  return rows[0].id;
}

/** Enqueues the claim exactly as `JobQueue.add` does; with `trigger`, a second delivery of it. */
async function enqueue(reservationId: string, trigger?: string): Promise<void> {
  const payload: ClaimCodesPayload = { reservationId };
  await queues[QueueName.CodeReservation].add(JobName.ClaimCodes, payload, {
    ...DEFAULT_JOB_OPTIONS,
    jobId: jobId(JobName.ClaimCodes, payload, trigger),
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(10);
  }
  throw new Error(
    `timed out waiting for ${what}\n${apps.map((a) => `--- ${a.name} ${a.child.pid}:\n${a.output().slice(-3000)}`).join('\n')}`,
  );
}

async function progress(ids: string[]): Promise<{ reserved: number; full: number }> {
  const { rows } = await client.query(
    `SELECT coalesce(sum(quantity_reserved), 0)::int AS reserved, count(*) FILTER (WHERE quantity_reserved = quantity)::int AS full
     FROM code_reservation WHERE id = ANY($1)`,
    [ids],
  );
  return rows[0];
}

it('several workers, one killed mid-claim, duplicated jobs: each reservation holds exactly its quantity, no code twice', async () => {
  const plan = [
    ...Array.from({ length: 48 }, () => ({
      type: 'sgtin' as const,
      quantity: randomInt(1_000, 4_001),
    })),
    ...Array.from({ length: 12 }, () => ({
      type: 'short_code' as const,
      quantity: randomInt(200, 1_501),
    })),
  ];
  const total = (type: string) =>
    plan.filter((p) => p.type === type).reduce((sum, p) => sum + p.quantity, 0);
  await seedCodes(total('sgtin') + SPARE, 'sgtin');
  await seedCodes(total('short_code') + SPARE, 'short_code');
  const reservations = [];
  for (const p of plan)
    reservations.push({ ...p, id: await insertReservation(p.quantity, p.type) });
  const ids = reservations.map((r) => r.id);
  const wanted = plan.reduce((sum, p) => sum + p.quantity, 0);

  await Promise.all([
    start('reservation-worker'),
    start('reservation-worker'),
    start('reservation-worker'),
  ]);
  for (const [index, { id }] of reservations.entries()) {
    await enqueue(id);
    if (index % 3 === 0) await enqueue(id, 'duplicate'); // delivered twice: both run at once
  }

  // Kill a worker that is inside a claim transaction, while claims are still going on.
  const victim = await until('a worker in the middle of a claim', async () => {
    const { reserved } = await progress(ids);
    if (reserved === 0 || reserved >= wanted * 0.8) return undefined;
    const [holder] = await appsInTransaction(client, database.name, alive());
    return holder;
  });
  await victim.kill();
  const atKill = await progress(ids);
  expect(atKill.reserved).toBeLessThan(wanted);
  expect(alive()).toHaveLength(2);

  await until('every reservation full', async () => {
    const { full } = await progress(ids);
    return full === ids.length ? full : undefined;
  });

  // Every reservation holds exactly its quantity, of its own type and product, and says so.
  const { rows: held } = await client.query(
    `SELECT r.id, r.quantity, r.quantity_reserved, r.status, count(u.id)::int AS codes,
       count(u.id) FILTER (WHERE u.type = r.code_type AND u.product IS NOT DISTINCT FROM r.product
         AND u.status = 'reserved' AND u.account = r.account)::int AS matching
     FROM code_reservation r LEFT JOIN unique_code u ON u.reservation = r.id
     WHERE r.id = ANY($1) GROUP BY r.id`,
    [ids],
  );
  for (const row of held) {
    expect(row).toEqual({
      id: row.id,
      quantity: row.quantity,
      quantity_reserved: row.quantity,
      status: 'in_progress', // complete once exported; no export worker runs here
      codes: row.quantity,
      matching: row.quantity,
    });
  }
  // No code was ever handed out twice, and every committed hand-out is one of the held codes:
  // the claims the killed worker had in flight left no trace.
  const { rows: audit } = await client.query(
    `SELECT count(*)::int AS handouts, count(DISTINCT code)::int AS codes,
       count(*) FILTER (WHERE reservation <> (SELECT reservation FROM unique_code u WHERE u.id = a.code))::int AS moved
     FROM claim_audit a`,
  );
  expect(audit[0]).toEqual({ handouts: wanted, codes: wanted, moved: 0 });
  const { rows: pool } = await client.query(
    `SELECT type, count(*)::int AS n FROM unique_code WHERE status = 'unassigned' GROUP BY type ORDER BY type`,
  );
  expect(pool).toEqual([
    { type: 'sgtin', n: SPARE },
    { type: 'short_code', n: SPARE },
  ]);
  // Each full reservation asked for its export (nobody consumes the export queue in this test).
  for (const reservationId of ids) {
    const job = await queues[QueueName.CodeExport].getJob(
      jobId(JobName.ExportReservation, { reservationId }),
    );
    expect(job?.data).toEqual({ reservationId });
  }
});

it('a reservation larger than the pool completes with codes made by a generator-worker process', async () => {
  if (alive().length === 0) await start('reservation-worker');
  await start('generator-worker');
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM unique_code WHERE product = $1 AND status = 'unassigned'`,
    [PRODUCT],
  );
  const quantity = rows[0].n + 2_500;
  const id = await insertReservation(quantity, 'sgtin');
  await enqueue(id);

  const job = await until('the identifier job asked for the missing codes', async () => {
    const { rows: jobs } = await client.query(
      `SELECT id, quantity FROM identifier_job WHERE code_reservation = $1`,
      [id],
    );
    return jobs[0] as { id: string; quantity: number } | undefined;
  });
  expect(job.quantity).toBe(2_500);
  await until('the reservation full', async () => {
    const { full } = await progress([id]);
    return full === 1 ? full : undefined;
  });

  const { rows: held } = await client.query(
    `SELECT count(*)::int AS codes, count(*) FILTER (WHERE identifier_job = $2)::int AS generated
     FROM unique_code WHERE reservation = $1`,
    [id, job.id],
  );
  expect(held[0]).toEqual({ codes: quantity, generated: 2_500 });
  const { rows: again } = await client.query(
    `SELECT count(*)::int AS n FROM identifier_job WHERE code_reservation = $1`,
    [id],
  );
  expect(again[0].n).toBe(1);
});
