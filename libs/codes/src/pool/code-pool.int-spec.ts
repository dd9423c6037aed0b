import { randomBytes } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { InvalidPayloadError, RecordNotUniqueError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { jobId, JobName, JobQueue, QueueModule, QueueName } from '@sid/shared/queue';
import {
  createTestDatabase,
  seedBrand,
  TEST_PRODUCT as PRODUCT,
  TestDatabase,
} from '@sid/shared/testing';
import { CodePoolCheckService } from './code-pool-check.service';
import { CodePoolWriter } from './code-pool.writer';
import { CodesModule } from '../codes.module';
import { IdentifierGenerationService } from '../generation/identifier-generation.service';

/** Pool policies, their levels (the `code_pool_level` view) and the check that refills them. */

let database: TestDatabase;
let moduleRef: TestingModule;
let db: DataSource;
let writer: CodePoolWriter;
let pools: CodePoolCheckService;
let generator: IdentifierGenerationService;
let queues: JobQueue;
let actor: Actor;

beforeAll(async () => {
  database = await createTestDatabase('code_pool');
  await runMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
  process.env.GENERATOR_CHUNK_SIZE = '500';
  moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), CodesModule],
  }).compile();
  await moduleRef.init();
  db = moduleRef.get(DataSource);
  writer = moduleRef.get(CodePoolWriter);
  pools = moduleRef.get(CodePoolCheckService);
  generator = moduleRef.get(IdentifierGenerationService);
  queues = moduleRef.get(JobQueue);
  const account = await seedBrand(db);
  const [{ id: user }] = await db.query(
    `INSERT INTO app_user (account, email) VALUES ($1, 'pool@brand.test') RETURNING id`,
    [account],
  );
  actor = { userId: user, accountId: account, admin: false };
});

afterEach(async () => {
  await db.query(`DELETE FROM unique_code`);
  await db.query(`DELETE FROM identifier_job`);
  await db.query(`DELETE FROM code_pool`);
});

afterAll(async () => {
  if (queues)
    for (const name of Object.values(QueueName))
      await queues.queue(name).obliterate({ force: true });
  await moduleRef?.close();
  await database?.drop();
});

async function level(id: string) {
  const [row] = await db.query(
    `SELECT unassigned_count, refill_job FROM code_pool_level WHERE id = $1`,
    [id],
  );
  return row as { unassigned_count: number; refill_job: string | null };
}

async function refills(pool: string) {
  return db.query(
    `SELECT id, status, quantity, type, product, length, character_set, sscc_company_prefix, sscc_extension_digit, reference_id
     FROM identifier_job WHERE code_pool = $1 ORDER BY date_created`,
    [pool],
  );
}

async function seedCodes(count: number, status = 'unassigned'): Promise<void> {
  await db.query(
    `INSERT INTO unique_code (account, code, type, product, digital_link, status, reservation)
     SELECT $1, $4 || g, 'sgtin', $2, 'https://id.brand.test/x/' || g, $3, NULL
     FROM generate_series(1, $5::int) g`,
    [actor.accountId, PRODUCT, status, randomBytes(3).toString('hex'), count],
  );
}

describe('the pool policy (/items/code_pool)', () => {
  it('stores one policy per account, product and code type, with defaults, and asks for a check', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 100,
      refill_quantity: 500,
    });

    const [row] = await db.query(
      `SELECT account, product, code_type, min_unassigned, refill_quantity, length, character_set, user_created FROM code_pool WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({
      account: actor.accountId,
      product: PRODUCT,
      code_type: 'sgtin',
      min_unassigned: 100,
      refill_quantity: 500,
      length: 8,
      character_set: 'alphanumeric',
      user_created: actor.userId,
    });
    const check = await queues
      .queue(QueueName.CodePool)
      .getJob(jobId(JobName.CheckPools, { codePoolId: id }));
    expect(check?.data).toEqual({ codePoolId: id });
    await expect(
      writer.create(actor, { product: PRODUCT, min_unassigned: 1, refill_quantity: 1 }),
    ).rejects.toThrow(RecordNotUniqueError);
    // One pool of short codes without a product, too (NULLS NOT DISTINCT).
    await writer.create(actor, { code_type: 'short_code', min_unassigned: 5, refill_quantity: 10 });
    await expect(
      writer.create(actor, { code_type: 'short_code', min_unassigned: 9, refill_quantity: 10 }),
    ).rejects.toThrow(RecordNotUniqueError);
  });

  it.each([
    [{ min_unassigned: 10, refill_quantity: 10 }, /An sgtin job needs a product/],
    [{ product: '/01/09312345551927', min_unassigned: 10, refill_quantity: 10 }, /does not exist/],
    [{ product: PRODUCT, min_unassigned: 0, refill_quantity: 10 }, /"min_unassigned"/],
    [{ product: PRODUCT, min_unassigned: 10, refill_quantity: 1_000_001 }, /"refill_quantity"/],
    [
      { product: PRODUCT, min_unassigned: 10, refill_quantity: 100_000, length: 3 },
      /"length" must be between 6/,
    ],
    [
      {
        product: PRODUCT,
        min_unassigned: 10,
        refill_quantity: 100_000,
        length: 6,
        character_set: 'numeric',
      },
      /length/,
    ],
    [{ code_type: 'sscc', min_unassigned: 10, refill_quantity: 10 }, /sscc_company_prefix/],
    [
      { product: PRODUCT, min_unassigned: 1, refill_quantity: 1, unassigned_count: 5 },
      /"unassigned_count" is not a field/,
    ],
  ])('refuses %j', async (input, message) => {
    const attempt = writer.create(actor, input);
    await expect(attempt).rejects.toThrow(InvalidPayloadError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('changes how much to keep, and is checked again at once', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 100,
      refill_quantity: 500,
    });
    await queues.queue(QueueName.CodePool).obliterate({ force: true });

    await writer.update(actor, id, { min_unassigned: 1_000, refill_quantity: 2_000 });

    const [row] = await db.query(
      `SELECT min_unassigned, refill_quantity, user_updated FROM code_pool WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({
      min_unassigned: 1_000,
      refill_quantity: 2_000,
      user_updated: actor.userId,
    });
    expect(
      await queues.queue(QueueName.CodePool).getJob(jobId(JobName.CheckPools, { codePoolId: id })),
    ).toBeDefined();
    await expect(writer.update(actor, id, { product: PRODUCT })).rejects.toThrow(
      /"product" is not a field/,
    );
    await expect(writer.update(actor, id, { min_unassigned: null })).rejects.toThrow(
      /"min_unassigned"/,
    );
    await expect(writer.update(actor, id, { length: null })).rejects.toThrow(/"length"/);
    const stranger = { ...actor, accountId: '00000000-0000-4000-8000-000000000001' };
    await expect(writer.update(stranger, id, { min_unassigned: 1 })).rejects.toThrow(/permission/);
  });
});

describe('pool levels and the check', () => {
  it('reads the level live: unassigned codes of the pool only', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 10,
      refill_quantity: 10,
    });
    await seedCodes(25);
    await seedCodes(7, 'assigned');
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link) VALUES ($1, 'SHORT1', 'short_code', NULL, 'x')`,
      [actor.accountId],
    );

    expect(await level(id)).toEqual({ unassigned_count: 25, refill_job: null });
  });

  it('creates one refill job when the pool is below its minimum, none when it is not', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 100,
      refill_quantity: 600,
      length: 10,
      character_set: 'numeric',
    });
    await seedCodes(100);
    expect(await pools.check()).toEqual([]);
    await db.query(`DELETE FROM unique_code WHERE id IN (SELECT id FROM unique_code LIMIT 1)`);

    const created = await pools.check();

    expect(created).toHaveLength(1);
    expect(await refills(id)).toEqual([
      {
        id: created[0],
        status: 'new',
        quantity: 600,
        type: 'sgtin',
        product: PRODUCT,
        length: 10,
        character_set: 'numeric',
        sscc_company_prefix: null,
        sscc_extension_digit: null,
        reference_id: 'pool refill',
      },
    ]);
    expect((await level(id)).refill_job).toBe(created[0]);
    // pool.low was recorded in the same transaction as the refill it starts (the outbox).
    expect(
      await db.query(`SELECT event, account, data FROM event_outbox WHERE subject = $1`, [
        created[0],
      ]),
    ).toEqual([
      {
        event: 'pool.low',
        account: actor.accountId,
        data: {
          code_pool: id,
          product: PRODUCT,
          code_type: 'sgtin',
          refill_job: created[0],
          refill_quantity: 600,
        },
      },
    ]);
    const generate = jobId(JobName.GenerateIdentifiers, { identifierJobId: created[0] });
    expect(await queues.queue(QueueName.IdentifierGeneration).getJob(generate)).toBeDefined();
  });

  it('never has two refills of one pool at once, however many checks race', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 50,
      refill_quantity: 500,
    });

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pools.check(i % 2 ? id : undefined)),
    );

    expect(results.flat()).toHaveLength(1);
    expect(await refills(id)).toHaveLength(1);
    // One pool.low, for the one refill: the checks that lost the race recorded nothing.
    const events = await db.query(
      `SELECT subject FROM event_outbox WHERE event = 'pool.low' AND data->>'code_pool' = $1`,
      [id],
    );
    expect(events).toEqual([{ subject: results.flat()[0] }]);
    // The database itself refuses a second pending refill.
    await expect(
      db.query(
        `INSERT INTO identifier_job (account, quantity, product, code_pool) VALUES ($1, 10, $2, $3)`,
        [actor.accountId, PRODUCT, id],
      ),
    ).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('the refill brings the level up (real generation), and the next check finds the pool full', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 1_000,
      refill_quantity: 1_200,
    });
    await seedCodes(10);
    const [job] = await pools.check(id);

    expect(await generator.run(job)).toBe('complete');

    expect(await level(id)).toEqual({ unassigned_count: 1_210, refill_job: job });
    expect(await pools.check()).toEqual([]);
    // Used up again: the next refill follows, one at a time.
    await db.query(`DELETE FROM unique_code WHERE id IN (SELECT id FROM unique_code LIMIT 300)`);
    const [next] = await pools.check();
    expect(next).not.toBe(job);
    expect(await refills(id)).toMatchObject([{ status: 'complete' }, { status: 'new' }]);
  });

  it('a pool whose refill failed waits for its policy to change instead of failing every check', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      min_unassigned: 10,
      refill_quantity: 20,
    });
    const [job] = await pools.check(id);
    await generator.fail(job, 'the code space is too crowded');

    expect(await pools.check()).toEqual([]);
    expect(await refills(id)).toMatchObject([{ status: 'error' }]);

    await writer.update(actor, id, { length: 12 });
    const [retry] = await pools.check(id);
    expect(await refills(id)).toMatchObject([
      { status: 'error' },
      { id: retry, status: 'new', length: 12 },
    ]);
  });

  it('refills SSCC pools with the pool’s company prefix and extension digit', async () => {
    const id = await writer.create(actor, {
      code_type: 'sscc',
      min_unassigned: 5,
      refill_quantity: 8,
      sscc_company_prefix: '9506000',
      sscc_extension_digit: 4,
    });

    const [job] = await pools.check(id);
    await generator.run(job);

    expect(await refills(id)).toMatchObject([
      {
        type: 'sscc',
        length: 18,
        sscc_company_prefix: '9506000',
        sscc_extension_digit: 4,
        status: 'complete',
      },
    ]);
    expect((await level(id)).unassigned_count).toBe(8);
  });
});
