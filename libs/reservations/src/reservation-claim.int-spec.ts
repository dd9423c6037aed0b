import { DataSource } from 'typeorm';
import { IdentifierGenerationService } from '@sid/codes';
// The selection a batch update gets is compiled by the gateway's query language, as in production.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { compileItemQuery, parseItemQuery } from '@sid/gateway-query';
import { jobId, JobName, JobQueue, QueueName } from '@sid/shared/queue';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';
import {
  BATCH,
  heldBy,
  insertReservation,
  OTHER_PRODUCT,
  PRODUCT,
  REGISTRY,
  ReservationSuite,
  reservationRow,
  seedCodes,
  seedFreshAccount,
  seedProduct,
  startReservationSuite,
} from './testing/reservation-test.factory';

/**
 * Claims with the real claim service and, where the pool runs dry, the real generator: the
 * services run in one process here (several worker processes: apps/reservation-worker).
 */
let suite: ReservationSuite;
let db: DataSource;
let claims: ReservationClaimService;
let generator: IdentifierGenerationService;
let writer: CodeReservationWriter;
let queues: JobQueue;

beforeAll(async () => {
  suite = await startReservationSuite('claims');
  ({ db } = suite);
  claims = suite.moduleRef.get(ReservationClaimService);
  generator = suite.moduleRef.get(IdentifierGenerationService);
  writer = suite.moduleRef.get(CodeReservationWriter);
  queues = suite.moduleRef.get(JobQueue);
});

afterAll(async () => {
  await suite?.close();
});

/** A fresh account per test, so that pools never mix between tests. */
const freshActor = () => seedFreshAccount(db);

const productFor = (account: string) => seedProduct(db, account, '09506009');

async function exportJobExists(reservationId: string): Promise<boolean> {
  const job = await queues
    .queue(QueueName.CodeExport)
    .getJob(jobId(JobName.ExportReservation, { reservationId }));
  return job !== undefined;
}

async function autoJobs(reservationId: string) {
  return db.query(
    `SELECT id, status, quantity, type, product, length, character_set, error_message
     FROM identifier_job WHERE code_reservation = $1 ORDER BY date_created`,
    [reservationId],
  );
}

describe('claims', () => {
  it('reserves exactly quantity codes of its product, type and account, in batches, and asks for the export', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    const other = await freshActor();
    await seedCodes(db, actor.accountId, 1_600, { product });
    await seedCodes(db, actor.accountId, 300, { type: 'short_code' });
    await seedCodes(db, other.accountId, 300, { type: 'short_code' });
    const id = await insertReservation(db, actor, 1_234, { product });

    expect(await claims.run(id)).toBe('reserved');

    expect(await reservationRow(db, id)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 1_234,
    });
    const held: { product: string; type: string; account: string; status: string }[] =
      await db.query(
        `SELECT product, type, account, status FROM unique_code WHERE reservation = $1`,
        [id],
      );
    expect(held).toHaveLength(1_234);
    expect(
      held.every(
        (c) => c.product === product && c.type === 'sgtin' && c.account === actor.accountId,
      ),
    ).toBe(true);
    expect(held.every((c) => c.status === 'reserved')).toBe(true);
    expect(await exportJobExists(id)).toBe(true);
    // What is left in the pool is the rest, untouched.
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE product = $1 AND status = 'unassigned'`,
      [product],
    );
    expect(n).toBe(1_600 - 1_234);
  });

  it('claims codes without a product (short codes) only from its own account', async () => {
    const actor = await freshActor();
    const other = await freshActor();
    await seedCodes(db, other.accountId, 500, { type: 'short_code' });
    await seedCodes(db, actor.accountId, 200, { type: 'short_code' });
    const id = await insertReservation(db, actor, 150, { product: null, code_type: 'short_code' });

    expect(await claims.run(id)).toBe('reserved');

    const [{ accounts }] = await db.query(
      `SELECT array_agg(DISTINCT account) AS accounts FROM unique_code WHERE reservation = $1`,
      [id],
    );
    expect(accounts).toEqual([actor.accountId]);
    expect(await heldBy(db, id)).toEqual({ reserved: 150 });
  });

  it('a duplicated or retried claim continues its own claim instead of taking more', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await seedCodes(db, actor.accountId, 10_000, { product });
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => insertReservation(db, actor, 1_100, { product })),
    );

    // Every reservation claimed by three concurrent runs (a duplicate and a retry), all at once.
    const outcomes = await Promise.all(
      ids.flatMap((id) => [claims.run(id), claims.run(id), claims.run(id)]),
    );
    expect(outcomes.every((o) => o === 'reserved')).toBe(true);
    // ...and once more after it is full (a late redelivery).
    expect(await claims.run(ids[0])).toBe('reserved');

    for (const id of ids) {
      expect(await reservationRow(db, id)).toMatchObject({ quantity_reserved: 1_100 });
      expect(await heldBy(db, id)).toEqual({ reserved: 1_100 });
    }
    const [{ codes, distinct }] = await db.query(
      `SELECT count(*)::int AS codes, count(DISTINCT id)::int AS distinct FROM unique_code WHERE reservation = ANY($1)`,
      [ids],
    );
    expect(codes).toBe(6 * 1_100);
    expect(distinct).toBe(codes);
    const [{ left }] = await db.query(
      `SELECT count(*)::int AS left FROM unique_code WHERE product = $1 AND status = 'unassigned'`,
      [product],
    );
    expect(left).toBe(10_000 - 6 * 1_100);
  });

  it('does nothing for a reservation that is complete, cancelled, failed or gone', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await seedCodes(db, actor.accountId, 100, { product });
    for (const status of ['complete', 'cancelled', 'error']) {
      const id = await insertReservation(db, actor, 10, { product });
      await db.query(`UPDATE code_reservation SET status = $2 WHERE id = $1`, [id, status]);
      expect(await claims.run(id)).toBe('skipped');
      expect(await heldBy(db, id)).toEqual({});
    }
    expect(await claims.run('00000000-0000-4000-8000-000000000000')).toBe('skipped');
  });
});

describe('not enough codes', () => {
  it('asks the generator for the missing codes, stays in_progress, and completes when they exist', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await seedCodes(db, actor.accountId, 300, { product });
    const id = await writer.create(actor, { product, quantity: 1_000, reference_id: 'short' });

    expect(await claims.run(id)).toBe('waiting');
    expect(await reservationRow(db, id)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 300,
    });
    const [job, ...more] = await autoJobs(id);
    expect(more).toEqual([]);
    expect(job).toMatchObject({ status: 'new', quantity: 700, type: 'sgtin', product, length: 8 });
    // The job is visible through the item API, pointing back at the reservation.
    const read = compileItemQuery(
      REGISTRY,
      'identifier_job',
      parseItemQuery(
        {
          fields: 'id,quantity,code_reservation.reference_id',
          filter: { code_reservation: { _eq: id } },
        },
        { defaultLimit: 100, maxLimit: 1_000 },
      ),
      { accountId: actor.accountId, userId: actor.userId },
    );
    const items = (await db.query(read.sql, read.params)).map((r: { item: unknown }) => r.item);
    expect(items).toEqual([
      { id: job.id, quantity: 700, code_reservation: { reference_id: 'short' } },
    ]);
    const generation = queues.queue(QueueName.IdentifierGeneration);
    expect(
      await generation.getJob(jobId(JobName.GenerateIdentifiers, { identifierJobId: job.id })),
    ).toBeDefined();

    // A duplicate of the claim while the job runs neither claims nor asks again.
    expect(await claims.run(id)).toBe('waiting');
    expect(await autoJobs(id)).toHaveLength(1);

    // The generator runs the job (real generation) and wakes the reservation up.
    expect(await generator.run(job.id)).toBe('complete');
    const wake = jobId(JobName.ClaimCodes, { reservationId: id }, `after-${job.id}`);
    expect(await queues.queue(QueueName.CodeReservation).getJob(wake)).toBeDefined();

    expect(await claims.run(id)).toBe('reserved');
    expect(await reservationRow(db, id)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 1_000,
    });
    expect(await heldBy(db, id)).toEqual({ reserved: 1_000 });
    expect(await exportJobExists(id)).toBe(true);
  });

  it('a reservation that finds the pool empty is in_progress at once, with nothing reserved yet', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    const id = await insertReservation(db, actor, 50, { product });

    expect(await claims.run(id)).toBe('waiting');

    expect(await reservationRow(db, id)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 0,
    });
    expect(await autoJobs(id)).toMatchObject([{ quantity: 50 }]);
  });

  it('makes the missing codes the way the pool policy says', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await db.query(
      `INSERT INTO code_pool (account, product, code_type, min_unassigned, refill_quantity, length, character_set)
       VALUES ($1, $2, 'sgtin', 10, 100, 11, 'numeric')`,
      [actor.accountId, product],
    );
    const id = await insertReservation(db, actor, 20, { product });

    expect(await claims.run(id)).toBe('waiting');
    const [job] = await autoJobs(id);
    expect(job).toMatchObject({ length: 11, character_set: 'numeric', quantity: 20 });
    await generator.run(job.id);
    expect(await claims.run(id)).toBe('reserved');
    const codes: { code: string }[] = await db.query(
      `SELECT code FROM unique_code WHERE reservation = $1`,
      [id],
    );
    expect(codes.every((c) => /^[0-9]{11}$/.test(c.code))).toBe(true);
  });

  it('ends in error, with a clear message and its codes back in the pool, when the codes can never exist', async () => {
    const actor = await freshActor();
    // A 12-digit company prefix leaves 4 digits of serial reference: 10,000 SSCCs. 9,995 are used.
    const prefix = '950600012345';
    await db.query(
      `INSERT INTO identifier_job (account, quantity, quantity_created, type, length, status, sscc_company_prefix, sscc_extension_digit)
       VALUES ($1, 5, 5, 'sscc', 18, 'complete', $2, 3)`,
      [actor.accountId, prefix],
    );
    await db.query(`INSERT INTO sscc_sequence VALUES ($1, 3, 9995)`, [prefix]);
    await seedCodes(db, actor.accountId, 5, { type: 'sscc' });
    const id = await insertReservation(db, actor, 20, { product: null, code_type: 'sscc' });

    expect(await claims.run(id)).toBe('waiting');
    expect(await reservationRow(db, id)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 5,
    });
    const [job] = await autoJobs(id);
    expect(job).toMatchObject({ type: 'sscc', quantity: 15 });

    await expect(generator.run(job.id)).rejects.toThrow(/exhausted/);
    expect((await autoJobs(id))[0]).toMatchObject({ status: 'error' });

    expect(await claims.run(id)).toBe('failed');
    const row = await reservationRow(db, id);
    expect(row).toMatchObject({ status: 'error', quantity_reserved: 0 });
    expect(row.error_message).toMatch(
      /^Not enough unassigned codes, and generating the missing 15 failed: /,
    );
    expect(row.error_message).toMatch(
      /serial reference space of company prefix 950600012345 .* is exhausted/,
    );
    expect(await heldBy(db, id)).toEqual({});
    // Both failures were recorded with their status change (the outbox), with their reasons.
    const events = await db.query(
      `SELECT event, subject, data->>'error_message' AS reason FROM event_outbox
       WHERE account = $1 ORDER BY date_created, event`,
      [actor.accountId],
    );
    expect(events).toEqual([
      {
        event: 'identifier_job.failed',
        subject: job.id,
        reason: expect.stringMatching(/exhausted/),
      },
      { event: 'code_reservation.failed', subject: id, reason: row.error_message },
    ]);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE account = $1 AND type = 'sscc' AND status = 'unassigned'`,
      [actor.accountId],
    );
    expect(n).toBe(5);
    // Nothing more happens for it.
    expect(await claims.run(id)).toBe('skipped');
    expect(await autoJobs(id)).toHaveLength(1);
  });

  it('ends in error at once for SSCCs when nothing says which company prefix to continue', async () => {
    const actor = await freshActor();
    const id = await insertReservation(db, actor, 5, { product: null, code_type: 'sscc' });

    expect(await claims.run(id)).toBe('failed');

    const row = await reservationRow(db, id);
    expect(row.status).toBe('error');
    expect(row.error_message).toMatch(/Not enough unassigned SSCC codes \(5 missing\)/);
    expect(await autoJobs(id)).toEqual([]);
  });
});

describe('fail (retries of a claim ran out)', () => {
  it('returns the codes of a reservation being filled and records the error', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await seedCodes(db, actor.accountId, 30, { product });
    const id = await insertReservation(db, actor, 50, { product });
    await claims.run(id);
    expect(await heldBy(db, id)).toEqual({ reserved: 30 });

    await claims.fail(id, 'database went away');

    expect(await reservationRow(db, id)).toMatchObject({
      status: 'error',
      error_message: 'database went away',
      quantity_reserved: 0,
    });
    expect(await heldBy(db, id)).toEqual({});
  });

  it('leaves a full or finished reservation alone', async () => {
    const actor = await freshActor();
    const product = await productFor(actor.accountId);
    await seedCodes(db, actor.accountId, 40, { product });
    const full = await insertReservation(db, actor, 20, { product });
    const done = await insertReservation(db, actor, 20, { product });
    await claims.run(full);
    await claims.run(done);
    await db.query(`UPDATE code_reservation SET status = 'complete' WHERE id = $1`, [done]);

    await claims.fail(full, 'late duplicate failed');
    await claims.fail(done, 'late duplicate failed');

    expect(await reservationRow(db, full)).toMatchObject({
      status: 'in_progress',
      error_message: null,
    });
    expect(await reservationRow(db, done)).toMatchObject({
      status: 'complete',
      error_message: null,
    });
    expect(await heldBy(db, full)).toEqual({ reserved: 20 });
    expect(await heldBy(db, done)).toEqual({ reserved: 20 });
  });
});

it('keeps other products out of a claim', async () => {
  const actor = suite.actor;
  await seedCodes(db, actor.accountId, 50, { product: OTHER_PRODUCT });
  await seedCodes(db, actor.accountId, BATCH + 10, { product: PRODUCT });
  const id = await insertReservation(db, actor, BATCH + 5, { product: PRODUCT });

  expect(await claims.run(id)).toBe('reserved');

  const [{ products }] = await db.query(
    `SELECT array_agg(DISTINCT product) AS products FROM unique_code WHERE reservation = $1`,
    [id],
  );
  expect(products).toEqual([PRODUCT]);
});
