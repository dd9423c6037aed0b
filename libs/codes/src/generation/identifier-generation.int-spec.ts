import { randomBytes } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { CHARACTER_SETS, CharacterSet } from '@sid/identifiers';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { InvalidPayloadError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { JobQueue, QueueModule, QueueName } from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { CodePlan, GeneratedCode } from '../plan/code-plan';
import { CODE_SOURCE_FACTORY, CodeSourceFactory, defaultCodeSourceFactory } from './code-source';
import { CodesModule } from '../codes.module';
import { IdentifierGenerationService } from './identifier-generation.service';
import { PermanentJobError } from '../identifier-job/identifier-job.exception';
import { IdentifierJobWriter } from '../identifier-job/identifier-job.writer';
import { bulkWriteAllowed } from './code-generation.repository';

const CHUNK = 500;
const HOST = 'id.brand.test';
const OTHER_HOST = 'links.other.test';
const SGTIN96_LIMIT = 2n ** 38n;

/** GS1 mod-10 check digit, written here again so that the tests do not trust the code under test. */
function mod10(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++)
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}
const withCheck = (body: string) => body + mod10(body);

const COMPANY_PREFIX = '9506000';
const GTIN = '09506000134352'; // brand owner has company prefix 9506000
const GTIN_NO_OWNER = withCheck('0950600013436');
const GTIN_OWNER_NO_PREFIX = withCheck('0950600013437');
const PRODUCT = `/01/${GTIN}`;
const PRODUCT_NO_OWNER = `/01/${GTIN_NO_OWNER}`;
const PRODUCT_OWNER_NO_PREFIX = `/01/${GTIN_OWNER_NO_PREFIX}`;

interface CodeRow {
  code: string;
  digital_link: string;
  epc_join_key: string | null;
  epc_uri: string | null;
  epc_hex: string | null;
  status: string;
  account: string;
  user_created: string | null;
  product: string | null;
  type: string;
}

interface JobRow {
  status: string;
  quantity: number;
  quantity_created: number;
  error_message: string | null;
  character_set: string;
  epc_mode: boolean;
  length: number;
}

let database: TestDatabase;
let moduleRef: TestingModule;
let db: DataSource;
let service: IdentifierGenerationService;
let writer: IdentifierJobWriter;
let actor: Actor;
let otherDomain: string;
/** The code source the generator uses; a test swaps it to force collisions or crashes. */
let makeSource: CodeSourceFactory = defaultCodeSourceFactory;

beforeAll(async () => {
  database = await createTestDatabase('codes');
  await runMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
  process.env.GENERATOR_CHUNK_SIZE = String(CHUNK);
  moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), CodesModule],
  })
    .overrideProvider(CODE_SOURCE_FACTORY)
    .useValue((plan: CodePlan) => makeSource(plan))
    .compile();
  await moduleRef.init();
  db = moduleRef.get(DataSource);
  service = moduleRef.get(IdentifierGenerationService);
  writer = moduleRef.get(IdentifierJobWriter);
  actor = await seed();
});

afterEach(() => {
  makeSource = defaultCodeSourceFactory;
});

afterAll(async () => {
  const jobQueue = moduleRef?.get(JobQueue);
  for (const name of Object.values(QueueName))
    await jobQueue?.queue(name).obliterate({ force: true });
  await moduleRef?.close();
  await database?.drop();
});

/** One account with a user, a default and a second domain, an organisation and three products. */
async function seed(): Promise<Actor> {
  const [{ id: account }] = await db.query(
    `INSERT INTO account (name) VALUES ('Brand') RETURNING id`,
  );
  const [{ id: user }] = await db.query(
    `INSERT INTO app_user (account, email) VALUES ($1, 'gen@brand.test') RETURNING id`,
    [account],
  );
  await db.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, $2, true)`, [
    account,
    HOST,
  ]);
  [{ id: otherDomain }] = await db.query(
    `INSERT INTO domain (account, host, is_default) VALUES ($1, $2, false) RETURNING id`,
    [account, OTHER_HOST],
  );
  const owner = `/417/${withCheck(`${COMPANY_PREFIX}00000`)}`;
  const ownerWithoutPrefix = `/417/${withCheck('950600100000')}`;
  await db.query(
    `INSERT INTO organisation (id, account, name, gs1_company_prefix) VALUES ($1, $3, 'Owner', $4), ($2, $3, 'No prefix', NULL)`,
    [owner, ownerWithoutPrefix, account, COMPANY_PREFIX],
  );
  await db.query(
    `INSERT INTO product (id, gtin, account, brand_owner) VALUES ($1, $2, $7, $8), ($3, $4, $7, NULL), ($5, $6, $7, $9)`,
    [
      PRODUCT,
      GTIN,
      PRODUCT_NO_OWNER,
      GTIN_NO_OWNER,
      PRODUCT_OWNER_NO_PREFIX,
      GTIN_OWNER_NO_PREFIX,
      account,
      owner,
      ownerWithoutPrefix,
    ],
  );
  return { userId: user, accountId: account, admin: false };
}

/** Inserts a job row directly, bypassing the writer's checks (a job from an older version, a test of the worker's own checks). */
async function insertJob(fields: Record<string, unknown>): Promise<string> {
  const row = { account: actor.accountId, user_created: actor.userId, ...fields };
  const columns = Object.keys(row);
  const [{ id }] = await db.query(
    `INSERT INTO identifier_job (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  );
  return id;
}

async function job(id: string): Promise<JobRow> {
  const [row] = await db.query(
    `SELECT status, quantity, quantity_created, error_message, character_set, epc_mode, length FROM identifier_job WHERE id = $1`,
    [id],
  );
  return row;
}

async function codesOf(id: string): Promise<CodeRow[]> {
  return db.query(
    `SELECT code, digital_link, epc_join_key, epc_uri, epc_hex, status, account, user_created, product, type
     FROM unique_code WHERE identifier_job = $1 ORDER BY code`,
    [id],
  );
}

/** Runs a job and records every progress report, checking that each is already committed. */
async function runRecording(id: string): Promise<number[]> {
  const reports: number[] = [];
  const outcome = await service.run(id, async (created, quantity) => {
    const [{ quantity_created }] = await db.query(
      `SELECT quantity_created FROM identifier_job WHERE id = $1`,
      [id],
    );
    expect(quantity_created).toBe(created);
    expect(quantity).toBe((await job(id)).quantity);
    reports.push(created);
  });
  expect(outcome).toBe('complete');
  return reports;
}

async function expectComplete(id: string, quantity: number): Promise<CodeRow[]> {
  const row = await job(id);
  expect(row).toMatchObject({
    status: 'complete',
    quantity,
    quantity_created: quantity,
    error_message: null,
  });
  const codes = await codesOf(id);
  expect(codes).toHaveLength(quantity);
  expect(new Set(codes.map((c) => c.code)).size).toBe(quantity);
  return codes;
}

const charClass = (set: CharacterSet) => `[${CHARACTER_SETS[set]}]`;
const ssccSerial = (sscc: string, prefix: string) => Number(sscc.slice(1 + prefix.length, 17));

/**
 * A code source whose first `forcedBatches` batches start with `first`, then real codes. (After a
 * collision the generator makes the chunk's codes again for staging: a second forced batch
 * reaches the staging path with the same collisions.)
 */
function sourceWithFirstBatch(
  first: (plan: CodePlan) => GeneratedCode[],
  calls: number[],
  forcedBatches = 1,
): CodeSourceFactory {
  return (plan) => {
    const real = defaultCodeSourceFactory(plan);
    return (count) => {
      calls.push(count);
      const batch = real(count);
      if (calls.length <= forcedBatches) {
        const forced = first(plan);
        batch.splice(0, forced.length, ...forced);
      }
      return batch;
    };
  };
}

const sgtinCode = (serial: string): GeneratedCode => ({
  code: serial,
  digital_link: `https://${HOST}/01/${GTIN}/21/${serial}`,
  epc_join_key: `${GTIN}-${serial}`,
});

describe('the independent check digit of these tests', () => {
  it('agrees with published GS1 examples', () => {
    expect(mod10('10614141123456789')).toBe(7); // SSCC 106141411234567897
    expect(mod10('0950600013435')).toBe(2); // GTIN 09506000134352
  });
});

describe('sgtin', () => {
  it('writes quantity codes in committed chunks, with links and EPC join keys', async () => {
    const id = await writer.create(actor, { product: PRODUCT, quantity: 1_234 });
    expect(await job(id)).toMatchObject({
      status: 'new',
      quantity_created: 0,
      length: 8,
      character_set: 'alphanumeric',
    });

    expect(await runRecording(id)).toEqual([500, 1_000, 1_234]);

    const codes = await expectComplete(id, 1_234);
    for (const c of codes) {
      expect(c.code).toMatch(/^[0-9A-Za-z]{8}$/);
      expect(c.digital_link).toBe(`https://${HOST}/01/${GTIN}/21/${c.code}`);
      expect(c.epc_join_key).toBe(`${GTIN}-${c.code}`);
      expect(c).toMatchObject({
        status: 'unassigned',
        type: 'sgtin',
        product: PRODUCT,
        account: actor.accountId,
        user_created: actor.userId,
        epc_uri: null,
        epc_hex: null,
      });
    }
  });

  it.each(Object.keys(CHARACTER_SETS) as CharacterSet[])(
    'honours the %s character set',
    async (set) => {
      const id = await writer.create(actor, {
        product: PRODUCT,
        quantity: 400,
        character_set: set,
        length: 10,
      });
      const codes = await (async () => {
        await service.run(id);
        return expectComplete(id, 400);
      })();
      const pattern = new RegExp(`^${charClass(set)}{10}$`);
      for (const c of codes) expect(c.code).toMatch(pattern);
      // 4,000 characters: every character of the set shows up (each is expected 60+ times).
      const seen = new Set(codes.flatMap((c) => [...c.code]));
      expect([...seen].sort().join('')).toBe([...CHARACTER_SETS[set]].sort().join(''));
    },
  );
});

describe('grai', () => {
  it('makes 0 + company prefix + asset type + check digit + a random serial, linked under /8003/', async () => {
    const id = await writer.create(actor, {
      type: 'grai',
      product: PRODUCT,
      quantity: 700,
      length: 12,
    });
    await service.run(id);
    const codes = await expectComplete(id, 700);
    const base = withCheck(`0${GTIN.slice(1, 13)}`);
    expect(base).toHaveLength(14);
    for (const c of codes) {
      expect(c.code).toMatch(/^0\d{13}[0-9A-Za-z]{12}$/);
      expect(c.code.slice(0, 14)).toBe(base);
      expect(Number(c.code[13])).toBe(mod10(c.code.slice(0, 13)));
      expect(c.digital_link).toBe(`https://${HOST}/8003/${c.code}`);
      expect(c.epc_join_key).toBe(c.code);
      expect(c).toMatchObject({ type: 'grai', product: PRODUCT });
    }
  });
});

describe('short_code', () => {
  it('makes system-wide codes linked at the root of the chosen domain', async () => {
    const id = await writer.create(actor, {
      type: 'short_code',
      quantity: 600,
      length: 7,
      character_set: 'unambiguous',
      domain: otherDomain,
    });
    await service.run(id);
    const codes = await expectComplete(id, 600);
    for (const c of codes) {
      expect(c.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}$/);
      expect(c.digital_link).toBe(`https://${OTHER_HOST}/${c.code}`);
      expect(c).toMatchObject({ type: 'short_code', product: null, epc_join_key: null });
    }
  });
});

describe('sscc', () => {
  const prefix = '9506001';

  it('numbers from sscc_start_serial with valid check digits, linked under /00/', async () => {
    const id = await writer.create(actor, {
      type: 'sscc',
      quantity: 1_100,
      sscc_company_prefix: prefix,
      sscc_extension_digit: 3,
      sscc_start_serial: 100,
    });
    expect(await runRecording(id)).toEqual([500, 1_000, 1_100]);
    const codes = await expectComplete(id, 1_100);
    const serials = codes.map((c) => ssccSerial(c.code, prefix)).sort((a, b) => a - b);
    expect(serials[0]).toBe(100);
    expect(serials.every((s, i) => s === 100 + i)).toBe(true);
    for (const c of codes) {
      expect(c.code).toMatch(new RegExp(`^3${prefix}\\d{10}$`));
      expect(Number(c.code[17])).toBe(mod10(c.code.slice(0, 17)));
      expect(c.digital_link).toBe(`https://${HOST}/00/${c.code}`);
      expect(c.epc_join_key).toBe(c.code);
      expect(c).toMatchObject({ type: 'sscc', product: null });
    }
  });

  it('gives two jobs running at once disjoint, consecutive ranges, and the next job continues after them', async () => {
    const create = (extra: Record<string, unknown>) =>
      writer.create(actor, {
        type: 'sscc',
        sscc_company_prefix: prefix,
        sscc_extension_digit: 5,
        ...extra,
      });
    const a = await create({ quantity: 1_300, sscc_start_serial: 1_000 });
    const b = await create({ quantity: 1_200, sscc_start_serial: 1_000 });
    await Promise.all([service.run(a), service.run(b)]);

    const serialsA = (await expectComplete(a, 1_300)).map((c) => ssccSerial(c.code, prefix));
    const serialsB = (await expectComplete(b, 1_200)).map((c) => ssccSerial(c.code, prefix));
    const all = [...serialsA, ...serialsB].sort((x, y) => x - y);
    expect(new Set(all).size).toBe(2_500);
    expect(all.every((s, i) => s === 1_000 + i)).toBe(true);

    const c = await create({ quantity: 300 });
    await service.run(c);
    const serialsC = (await expectComplete(c, 300))
      .map((x) => ssccSerial(x.code, prefix))
      .sort((x, y) => x - y);
    expect(serialsC[0]).toBe(3_500);
    expect(serialsC[299]).toBe(3_799);

    // A start beyond the counter is honoured.
    const d = await create({ quantity: 10, sscc_start_serial: 50_000 });
    await service.run(d);
    expect((await codesOf(d)).map((x) => ssccSerial(x.code, prefix))).toEqual(
      Array.from({ length: 10 }, (_, i) => 50_000 + i),
    );
  });

  it('skips a serial reference somebody registered by hand, never reusing it', async () => {
    const extension = 7;
    const taken = withCheck(`${extension}${prefix}${'0'.repeat(16 - prefix.length)}`);
    expect(taken).toHaveLength(18);
    await db.query(
      `INSERT INTO unique_code (account, code, type, digital_link) VALUES ($1, $2, 'sscc', 'https://x/00/' || $2)`,
      [actor.accountId, taken],
    );
    const id = await writer.create(actor, {
      type: 'sscc',
      quantity: 20,
      sscc_company_prefix: prefix,
      sscc_extension_digit: extension,
    });
    await service.run(id);
    const serials = (await expectComplete(id, 20)).map((c) => ssccSerial(c.code, prefix));
    expect(serials).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refuses at creation a job that cannot fit, and marks error a job that exhausts the space while running', async () => {
    const small = '950600100001'; // 12 digits: 10,000 serial references per extension digit
    const fields = {
      type: 'sscc',
      quantity: 1_200,
      sscc_company_prefix: small,
      sscc_extension_digit: 0,
    };
    await expect(writer.create(actor, { ...fields, sscc_start_serial: 9_500 })).rejects.toThrow(
      /has 10000 SSCC serial references.*only 500 are left, 1200 asked/,
    );

    // Two jobs accepted while there was room; together they exhaust it.
    const first = await writer.create(actor, { ...fields, sscc_start_serial: 8_000 });
    const second = await writer.create(actor, {
      ...fields,
      quantity: 1_000,
      sscc_start_serial: 8_000,
    });
    await service.run(first);
    await expectComplete(first, 1_200);
    await expect(service.run(second)).rejects.toThrow(PermanentJobError);

    const failed = await job(second);
    expect(failed.status).toBe('error');
    expect(failed.error_message).toMatch(
      new RegExp(
        `SSCC serial reference space of company prefix ${small} with extension digit 0 is exhausted`,
      ),
    );
    expect(failed.quantity_created).toBe(0);
    expect(await codesOf(second)).toHaveLength(0);
    expect(await service.run(second)).toBe('skipped');
  });
});

describe('collisions', () => {
  beforeEach(async () => {
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link)
       SELECT $1, 'TAKEN001', 'sgtin', $2, 'https://x' WHERE NOT EXISTS (SELECT 1 FROM unique_code WHERE code = 'TAKEN001')`,
      [actor.accountId, PRODUCT],
    );
  });

  it('makes a chunk afresh when its COPY hits a stored code', async () => {
    const calls: number[] = [];
    makeSource = sourceWithFirstBatch(() => [sgtinCode('TAKEN001')], calls);
    const id = await writer.create(actor, { product: PRODUCT, quantity: 300 });

    await service.run(id);

    const codes = (await expectComplete(id, 300)).map((c) => c.code);
    expect(calls).toEqual([300, 300]); // the COPY's batch, then a fresh one for staging
    expect(codes).not.toContain('TAKEN001');
  });

  it('replaces a code that is already stored and a duplicate within the batch', async () => {
    const calls: number[] = [];
    makeSource = sourceWithFirstBatch(
      () => [sgtinCode('TAKEN001'), sgtinCode('TWICE002'), sgtinCode('TWICE002')],
      calls,
      2,
    );
    const id = await writer.create(actor, { product: PRODUCT, quantity: 300 });

    await service.run(id);

    const codes = (await expectComplete(id, 300)).map((c) => c.code);
    // COPY refused, staged batch keeps 298, then 2 replacements.
    expect(calls).toEqual([300, 300, 2]);
    expect(codes).not.toContain('TAKEN001');
    expect(codes.filter((c) => c === 'TWICE002')).toHaveLength(1);
    const taken = await db.query(`SELECT identifier_job FROM unique_code WHERE code = 'TAKEN001'`);
    expect(taken).toEqual([{ identifier_job: null }]);
  });
});

describe('a job run again', () => {
  it('resumes after a crash between chunks and after one inside a chunk, never starting over', async () => {
    const id = await writer.create(actor, { product: PRODUCT, quantity: 1_200, length: 10 });

    // Crash right after the first chunk committed.
    await expect(
      service.run(id, (created) => {
        if (created === CHUNK) throw new Error('worker killed');
      }),
    ).rejects.toThrow('worker killed');
    expect(await job(id)).toMatchObject({ status: 'in_progress', quantity_created: CHUNK });
    const firstChunk = (await codesOf(id)).map((c) => c.code);
    expect(firstChunk).toHaveLength(CHUNK);

    // Crash inside the second chunk, after part of it was written (its COPY failed on a stored
    // code; making the staged codes then fails mid-COPY): nothing of it remains.
    const calls: number[] = [];
    const [existing] = firstChunk;
    makeSource = (plan) => {
      const inner = sourceWithFirstBatch(() => [sgtinCode(existing)], calls)(plan);
      return (count) => {
        if (calls.length === 1) throw new Error('worker killed mid-chunk');
        return inner(count);
      };
    };
    await expect(service.run(id)).rejects.toThrow('worker killed mid-chunk');
    expect(calls).toEqual([CHUNK]);
    expect(await job(id)).toMatchObject({ status: 'in_progress', quantity_created: CHUNK });
    expect((await codesOf(id)).map((c) => c.code)).toEqual(firstChunk);

    makeSource = defaultCodeSourceFactory;
    expect(await runRecording(id)).toEqual([1_000, 1_200]);
    const codes = (await expectComplete(id, 1_200)).map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(firstChunk));

    expect(await service.run(id)).toBe('skipped');
    expect(await codesOf(id)).toHaveLength(1_200);
  });

  it('ends with exactly quantity codes when two runs of the same job overlap', async () => {
    const id = await writer.create(actor, { product: PRODUCT, quantity: 2_100, length: 10 });
    const outcomes = await Promise.all([service.run(id), service.run(id), service.run(id)]);
    expect(outcomes.every((o) => o === 'complete' || o === 'skipped')).toBe(true);
    await expectComplete(id, 2_100);
  });
});

describe('feasibility', () => {
  const refused = async (input: Record<string, unknown>, message: RegExp) => {
    const before = await db.query(`SELECT count(*)::int AS n FROM identifier_job`);
    const error = await writer.create(actor, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as Error).message).toMatch(message);
    expect(await db.query(`SELECT count(*)::int AS n FROM identifier_job`)).toEqual(before);
  };

  it('refuses an unsafe quantity for the code space and says which length would do', async () => {
    await refused(
      { product: PRODUCT_NO_OWNER, quantity: 1_000_000, character_set: 'numeric', length: 6 },
      /1000000 numeric codes of length 6 would fill 100% of a space of 1000000; use length 9 or more/,
    );
  });

  it('counts the codes already issued or promised for the product', async () => {
    // 10,000 hex codes of length 6 need 10^7 of the 16^6 = 16,777,216 possible: fine on their own...
    const input = {
      product: PRODUCT_OWNER_NO_PREFIX,
      quantity: 10_000,
      character_set: 'hex',
      length: 6,
    };
    expect(await writer.create(actor, input)).toEqual(expect.any(String));
    // ...but not on top of the 10,000 that job promises and 7,000 codes registered one by one.
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link)
       SELECT $1, 'X' || i, 'sgtin', $2, 'https://x' FROM generate_series(1, 7000) AS i`,
      [actor.accountId, PRODUCT_OWNER_NO_PREFIX],
    );
    await refused(
      input,
      /10000 hex codes of length 6 \(on top of 17000 already issued\) .*use length 7 or more/,
    );
  });

  it('counts every short code, whatever its product: they share one system-wide space', async () => {
    const input = { type: 'short_code', quantity: 10_000, character_set: 'hex', length: 6 };
    expect(await writer.create(actor, input)).toEqual(expect.any(String));
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link)
       SELECT $1, 'SC' || i, 'short_code', $2, 'https://x' FROM generate_series(1, 7000) AS i`,
      [actor.accountId, PRODUCT_OWNER_NO_PREFIX],
    );
    // Another product's job: still the same space, now too crowded (as for sgtin above).
    // (Earlier tests of this file made short codes too: they count as well.)
    await refused(
      { ...input, product: PRODUCT },
      /10000 hex codes of length 6 \(on top of 17\d{3} already issued\) .*use length 7 or more/,
    );
  });

  it('refuses invalid fields with a clear message', async () => {
    await refused(
      { product: PRODUCT, quantity: 1_000_001 },
      /"quantity": must not be greater than 1000000/,
    );
    await refused(
      { product: PRODUCT, quantity: 10, character_set: 'emoji' },
      /"character_set": must be one of/,
    );
    await refused({ product: PRODUCT, quantity: 10, type: 'ean' }, /"type": must be one of/);
    await refused(
      { product: PRODUCT, quantity: 10, length: 5 },
      /"length" must be between 6 and 20/,
    );
    await refused({ quantity: 10 }, /An sgtin job needs a product/);
    await refused(
      { product: '/01/00000000000000', quantity: 10 },
      /Product "\/01\/00000000000000" does not exist/,
    );
    await refused(
      { type: 'sscc', quantity: 10 },
      /needs sscc_company_prefix and sscc_extension_digit/,
    );
  });

  it('is checked again by the worker, which marks an unsafe job error without writing codes', async () => {
    const id = await insertJob({
      product: PRODUCT_NO_OWNER,
      quantity: 1_000_000,
      character_set: 'numeric',
      length: 6,
    });
    await expect(service.run(id)).rejects.toThrow(PermanentJobError);
    const row = await job(id);
    expect(row.status).toBe('error');
    expect(row.error_message).toMatch(/use length 9 or more/);
    expect(await codesOf(id)).toHaveLength(0);
  });
});

describe('epc_mode', () => {
  /** Decodes an SGTIN-96 by hand (TDS 2.x, table 14-2): header, filter, partition, prefix, item, serial. */
  function decodeSgtin96(hex: string) {
    const bits = BigInt(`0x${hex}`).toString(2).padStart(96, '0');
    const field = (from: number, length: number) => BigInt(`0b${bits.slice(from, from + length)}`);
    const partitions: Record<number, [number, number]> = { 5: [24, 20], 6: [20, 24], 0: [40, 4] };
    const partition = Number(field(11, 3));
    const [prefixBits, itemBits] = partitions[partition];
    return {
      header: Number(field(0, 8)),
      filter: Number(field(8, 3)),
      partition,
      companyPrefix: field(14, prefixBits),
      itemReference: field(14 + prefixBits, itemBits),
      serial: field(58, 38),
    };
  }

  it('makes SGTIN-96 serials with their EPC URI and hex', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      quantity: 1_100,
      epc_mode: true,
      length: 12,
    });
    expect(await job(id)).toMatchObject({ epc_mode: true, character_set: 'numeric', length: 12 });
    await service.run(id);
    const codes = await expectComplete(id, 1_100);
    for (const c of codes) {
      expect(c.code).toMatch(/^[12]\d{11}$/);
      expect(BigInt(c.code) < SGTIN96_LIMIT).toBe(true);
      expect(c.digital_link).toBe(`https://${HOST}/01/${GTIN}/21/${c.code}`);
      expect(c.epc_join_key).toBe(`${GTIN}-${c.code}`);
      // GTIN 0 9506000 13435 2: indicator digit first in the item reference, check digit dropped.
      expect(c.epc_uri).toBe(`urn:epc:id:sgtin:9506000.013435.${c.code}`);
      expect(c.epc_hex).toMatch(/^[0-9A-F]{24}$/);
      expect(decodeSgtin96(c.epc_hex!)).toEqual({
        header: 0x30,
        filter: 1,
        partition: 5, // 7-digit company prefix
        companyPrefix: 9506000n,
        itemReference: 13435n,
        serial: BigInt(c.code),
      });
    }
  });

  it('uses the default length of 8 without a leading zero', async () => {
    const id = await writer.create(actor, { product: PRODUCT, quantity: 300, epc_mode: true });
    await service.run(id);
    const codes = await expectComplete(id, 300);
    for (const c of codes) {
      expect(c.code).toMatch(/^[1-9]\d{7}$/);
      expect(c.epc_uri).toBe(`urn:epc:id:sgtin:9506000.013435.${c.code}`);
    }
  });

  it('refuses what an SGTIN-96 cannot carry, with a clear 400', async () => {
    await expect(
      writer.create(actor, { product: PRODUCT, quantity: 10, epc_mode: true, length: 13 }),
    ).rejects.toThrow(/"length" must be between 6 and 12 in epc_mode/);
    await expect(
      writer.create(actor, {
        type: 'sscc',
        quantity: 10,
        epc_mode: true,
        sscc_company_prefix: '9506001',
        sscc_extension_digit: 1,
      }),
    ).rejects.toThrow(/"epc_mode" is only for sgtin jobs/);
    await expect(
      writer.create(actor, { type: 'grai', product: PRODUCT, quantity: 10, epc_mode: true }),
    ).rejects.toThrow(/"epc_mode" is only for sgtin jobs/);
    await expect(
      writer.create(actor, { product: PRODUCT_NO_OWNER, quantity: 10, epc_mode: true }),
    ).rejects.toThrow(/needs the product's brand_owner organisation, with its gs1_company_prefix/);
    await expect(
      writer.create(actor, { product: PRODUCT_OWNER_NO_PREFIX, quantity: 10, epc_mode: true }),
    ).rejects.toThrow(/needs the product's brand_owner organisation, with its gs1_company_prefix/);
    await expect(
      writer.create(actor, {
        product: PRODUCT,
        quantity: 10,
        epc_mode: true,
        character_set: 'alphanumeric',
      }),
    ).rejects.toThrow(/"character_set" must be numeric or left out/);
    await expect(
      writer.create(actor, { product: PRODUCT, quantity: 1_000_000, epc_mode: true, length: 6 }),
    ).rejects.toThrow(
      /1000000 SGTIN-96 codes of length 6 .*do not fit in a space of 900000; use length 10 or more/,
    );
  });

  it('is constrained in the database too', async () => {
    await expect(
      insertJob({ type: 'grai', product: PRODUCT, quantity: 10, epc_mode: true }),
    ).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23514' }),
    });
  });
});

describe('foreign keys of generated codes', () => {
  it('stops a chunk whose parent vanished, as the foreign key would', async () => {
    const [{ id: user }] = await db.query(
      `INSERT INTO app_user (account, email) VALUES ($1, 'leaving@brand.test') RETURNING id`,
      [actor.accountId],
    );
    const id = await insertJob({
      product: PRODUCT,
      quantity: 1_200,
      length: 10,
      user_created: user,
    });
    await expect(
      service.run(id, async (created) => {
        if (created === CHUNK) await db.query(`DELETE FROM app_user WHERE id = $1`, [user]);
      }),
    ).rejects.toThrow(/user_created/);
    expect(await job(id)).toMatchObject({ status: 'in_progress', quantity_created: CHUNK });
    const codes = await codesOf(id);
    expect(codes).toHaveLength(CHUNK);
    expect(codes.every((c) => c.user_created === null)).toBe(true); // ON DELETE SET NULL

    await service.run(id);
    await expectComplete(id, 1_200);
  });

  it('fires the triggers of unique_code when it has any, checking foreign keys row by row', async () => {
    await db.query(`CREATE TABLE code_trigger_log (code text)`);
    await db.query(`
      CREATE FUNCTION log_code() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO code_trigger_log VALUES (NEW.code); RETURN NEW; END $$`);
    await db.query(
      `CREATE TRIGGER unique_code_log AFTER INSERT ON unique_code FOR EACH ROW EXECUTE FUNCTION log_code()`,
    );
    try {
      const id = await writer.create(actor, { product: PRODUCT, quantity: 700, length: 10 });
      await service.run(id);
      const codes = (await expectComplete(id, 700)).map((c) => c.code);
      const logged = (await db.query(`SELECT code FROM code_trigger_log ORDER BY code`)).map(
        (r: { code: string }) => r.code,
      );
      expect(logged).toEqual(codes);
    } finally {
      await db.query(`DROP TRIGGER unique_code_log ON unique_code`);
      await db.query(`DROP FUNCTION log_code(); DROP TABLE code_trigger_log`);
    }
  });

  it('checks them once per chunk on the migrated schema: its own triggers (the count tally) fire ALWAYS', async () => {
    // Any trigger that replica mode would silence sends every chunk back to row-by-row checks,
    // which cost as much as the COPY itself (bench:generate).
    expect(await bulkWriteAllowed(db)).toBe(true);
    await db.query(`CREATE FUNCTION keep_code() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RETURN NEW; END $$`);
    try {
      await db.query(
        `CREATE TRIGGER unique_code_keep AFTER INSERT ON unique_code FOR EACH ROW EXECUTE FUNCTION keep_code()`,
      );
      expect(await bulkWriteAllowed(db)).toBe(false);
      await db.query(`ALTER TABLE unique_code ENABLE REPLICA TRIGGER unique_code_keep`);
      expect(await bulkWriteAllowed(db)).toBe(false);
      await db.query(`ALTER TABLE unique_code ENABLE ALWAYS TRIGGER unique_code_keep`);
      expect(await bulkWriteAllowed(db)).toBe(true);
      await db.query(`ALTER TABLE unique_code DISABLE TRIGGER unique_code_keep`);
      expect(await bulkWriteAllowed(db)).toBe(true);
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS unique_code_keep ON unique_code`);
      await db.query(`DROP FUNCTION keep_code()`);
    }
  });

  it('leaves no code without its account, product, job or creator', async () => {
    const [orphans] = await db.query(`
      SELECT
        count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = u.account))::int AS account,
        count(*) FILTER (WHERE u.product IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM product p WHERE p.id = u.product))::int AS product,
        count(*) FILTER (WHERE u.identifier_job IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM identifier_job j WHERE j.id = u.identifier_job))::int AS job,
        count(*) FILTER (WHERE u.user_created IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM app_user w WHERE w.id = u.user_created))::int AS creator,
        count(*)::int AS codes
      FROM unique_code u`);
    expect(orphans.codes).toBeGreaterThan(0);
    expect(orphans).toMatchObject({ account: 0, product: 0, job: 0, creator: 0 });
  });
});
