import { randomBytes, randomInt } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { jobId, JobName, QueueName } from '@sid/shared/queue';
import {
  AppProcess,
  appsInTransaction,
  enqueueAsJobQueue,
  startWorkerTestEnv,
  TEST_PRODUCT as PRODUCT,
  WorkerTestEnv,
} from '@sid/shared/testing';

/**
 * Real reservation-worker processes claiming from one pool at once, one of them killed with
 * SIGKILL in the middle of a claim, some claims delivered twice: every reservation ends holding
 * exactly its quantity, and no code is ever handed out twice (a trigger records every hand-out
 * that commits, so even a code given to one reservation and then to another would show).
 */
const SPARE = 3_000;

let env: WorkerTestEnv;
let client: Client;
let account: string;

beforeAll(async () => {
  env = await startWorkerTestEnv('reservation_worker', runMigrations);
  ({ client, account } = env);
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
});

afterAll(async () => {
  await env?.close();
});

function start(app: 'reservation-worker' | 'generator-worker'): Promise<AppProcess> {
  return env.start(app, { RESERVATION_BATCH_SIZE: '500', WORKER_CONCURRENCY: '4' });
}

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
  const queue = env.queue(QueueName.CodeReservation);
  await enqueueAsJobQueue(queue, JobName.ClaimCodes, { reservationId }, trigger);
}

function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return env.until(what, probe, { timeoutMs: 90_000, intervalMs: 10 });
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
    const [holder] = await appsInTransaction(client, env.database.name, env.alive());
    return holder;
  });
  await victim.kill();
  const atKill = await progress(ids);
  expect(atKill.reserved).toBeLessThan(wanted);
  expect(env.alive()).toHaveLength(2);

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
    const job = await env
      .queue(QueueName.CodeExport)
      .getJob(jobId(JobName.ExportReservation, { reservationId }));
    expect(job?.data).toEqual({ reservationId });
  }
});

it('a reservation larger than the pool completes with codes made by a generator-worker process', async () => {
  if (env.alive().length === 0) await start('reservation-worker');
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
