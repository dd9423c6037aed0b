import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { ObjectStorage } from '@sid/shared/storage';
import { LOCAL_S3_CREDENTIALS, LocalS3, startLocalS3 } from '@sid/shared/testing';
import { createTestDatabase, seedBrand, TEST_PRODUCT, TestDatabase } from '@sid/shared/testing';
import { checkInvariants, Invariant } from './chaos-invariants';
import { Acknowledged } from './chaos-workload';

/** The chaos run's checks must be able to fail: each broken promise is seen, and only it. */
let db: TestDatabase;
let client: Client;
let s3: LocalS3;
let dir: string;
let storage: ObjectStorage;
let account: string;

beforeAll(async () => {
  db = await createTestDatabase('chaos_invariants');
  await runMigrations(db.url);
  client = new Client({ connectionString: db.url });
  await client.connect();
  account = await seedBrand(client);
  dir = mkdtempSync(join(tmpdir(), 'sid-chaos-inv-'));
  s3 = await startLocalS3({ port: 0, directory: dir });
  storage = new ObjectStorage({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: 'chaos-invariants',
    accessKeyId: LOCAL_S3_CREDENTIALS.accessKeyId,
    secretAccessKey: LOCAL_S3_CREDENTIALS.secretAccessKey,
    forcePathStyle: true,
  });
  await storage.ensureBucket();
});

afterAll(async () => {
  await client?.end();
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

const none: Acknowledged = {
  jobs: [],
  reservations: [],
  cancelled: [],
  cancelRefused: [],
  moved: [],
  uploads: [],
  unanswered: 0,
};

async function violations(ack = none): Promise<Record<string, number>> {
  const checks: Invariant[] = await checkInvariants(client, storage, ack);
  return Object.fromEntries(
    checks.filter((c) => c.violations > 0).map((c) => [c.name, c.violations]),
  );
}

/** A complete job of `codes.length` codes (quantity `quantity`), the codes unassigned. */
async function job(codes: string[], quantity = codes.length): Promise<string> {
  const {
    rows: [{ id }],
  } = await client.query(
    `INSERT INTO identifier_job (account, quantity, quantity_created, product, status)
     VALUES ($1, $2, $3, $4, 'complete') RETURNING id`,
    [account, quantity, codes.length, TEST_PRODUCT],
  );
  for (const code of codes) {
    await client.query(
      `INSERT INTO unique_code (account, type, product, identifier_job, code, digital_link)
       VALUES ($1, 'sgtin', $2, $3, $4, $5)`,
      [account, TEST_PRODUCT, id, code, link(code)],
    );
  }
  return id;
}

const link = (code: string) => `https://id.brand.test${TEST_PRODUCT}/21/${code}`;

/** A complete reservation holding `codes`, with a CSV file listing `listed` (or no object). */
async function exported(codes: string[], listed: string[] | null): Promise<string> {
  const {
    rows: [{ id }],
  } = await client.query(
    `INSERT INTO code_reservation (account, product, quantity, quantity_reserved, status)
     VALUES ($1, $2, $3, $3, 'in_progress') RETURNING id`,
    [account, TEST_PRODUCT, codes.length],
  );
  await client.query(
    `UPDATE unique_code SET status = 'reserved', reservation = $1 WHERE code = ANY($2)`,
    [id, codes],
  );
  const key = `exports/${id}.csv`;
  if (listed) {
    const csv = `code,digital_link\n${listed.map((c) => `${c},${link(c)}\n`).join('')}`;
    await storage.upload(key, Readable.from([csv]), 'text/csv');
  }
  const {
    rows: [{ id: file }],
  } = await client.query(
    `INSERT INTO file (account, storage_key, filename_download, type, filesize)
     VALUES ($1, $2, 'x.csv', 'text/csv', 1) RETURNING id`,
    [account, key],
  );
  await client.query(
    `UPDATE code_reservation SET status = 'complete', export_file = $2 WHERE id = $1`,
    [id, file],
  );
  return id;
}

it('finds nothing wrong in a consistent state, then each broken promise', async () => {
  await job(['A1', 'A2', 'A3']);
  const good = await exported(['A1', 'A2'], ['A1', 'A2']);
  expect(await violations({ ...none, reservations: [{ id: good, quantity: 2 }] })).toEqual({});

  await job(['B1'], 2); // one code short
  await exported(['A3'], ['A3', 'A1']); // its file lists a code of another reservation
  await storage.upload('exports/orphan.csv', Readable.from(['code\n']), 'text/csv');
  await job(['C1']);
  await exported(['C1'], null); // recorded, never stored
  await client.query(`UPDATE unique_code SET status = 'assigned' WHERE code = 'A2'`);
  const lostJob = '00000000-0000-4000-8000-00000000000a';

  expect(
    await violations({
      ...none,
      jobs: [{ id: lostJob, quantity: 1 }],
      moved: [{ ids: [await codeId('A1')], status: 'encoded' }],
    }),
  ).toEqual({
    'every identifier job complete with exactly quantity codes': 1,
    "every export file parses and lists exactly its reservation's codes": 1,
    '0 codes in two export files': 1,
    '0 orphan objects (stored, no file row)': 1,
    '0 files recorded but missing from the store': 1,
    'every 2xx write found in the database': 2,
  });
});

async function codeId(code: string): Promise<string> {
  const { rows } = await client.query(`SELECT id FROM unique_code WHERE code = $1`, [code]);
  return rows[0].id;
}
