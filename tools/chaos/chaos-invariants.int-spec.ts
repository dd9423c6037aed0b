import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Archiver } from 'archiver';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { ObjectStorage } from '@sid/shared/storage';
import { LOCAL_S3_CREDENTIALS, LocalS3, startLocalS3 } from '@sid/shared/testing';
import { createTestDatabase, seedBrand, TEST_PRODUCT, TestDatabase } from '@sid/shared/testing';
import { AcknowledgedUpload } from './chaos-ingestion';
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
  // A tally delta with no codes behind it (as a write that bypassed the triggers would leave).
  await client.query(
    `INSERT INTO unique_code_tally (account, product, type, status, activation_status, codes)
     VALUES ($1, $2, 'sgtin', 'unassigned', 1, 5)`,
    [account, TEST_PRODUCT],
  );

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
    '0 orphan export objects (stored, no file row)': 1,
    '0 files recorded but missing from the store': 1,
    'the count tally equals the codes in every group': 1,
    'every 2xx write found in the database': 2,
  });
});

async function codeId(code: string): Promise<string> {
  const { rows } = await client.query(`SELECT id FROM unique_code WHERE code = $1`, [code]);
  return rows[0].id;
}

/** Empties the tables and the bucket, so that a test sees only what it made. */
async function reset(): Promise<void> {
  for (const table of [
    'event_outbox',
    'unique_code',
    'unique_code_tally',
    'workorder',
    'ingestion_record',
    'code_reservation',
    'identifier_job',
    'file',
  ])
    await client.query(`DELETE FROM ${table}`);
  for await (const page of storage.list(''))
    for (const object of page) await storage.delete(object.key);
}

/** An upload record in `status`, its file in the store listing `ids` (CSV). */
async function record(key: string, status: string, ids: string[]): Promise<string> {
  const objectKey = `ingestion/${account}/${key}.csv`;
  await storage.upload(objectKey, Readable.from([`id\n${ids.join('\n')}\n`]), 'text/csv');
  const {
    rows: [{ id }],
  } = await client.query(
    `INSERT INTO ingestion_record (key, account, status, filetype, object_key)
     VALUES ($1, $2, $3, 'csv', $4) RETURNING id::text AS id`,
    [key, account, status, objectKey],
  );
  return id;
}

/** A completed workorder of `recordId` holding `codes`, its zip's codes.csv listing `zipped`. */
async function workorder(recordId: string, codes: string[], zipped = codes): Promise<string> {
  const {
    rows: [{ id }],
  } = await client.query(
    `INSERT INTO workorder (account, ingestion_record, reference, quantity)
     VALUES ($1, $2, 'ref', $3) RETURNING id::text AS id`,
    [account, recordId, codes.length],
  );
  for (const code of codes)
    await client.query(
      `INSERT INTO unique_code (account, type, code, digital_link, workorder)
       VALUES ($1, 'custom', $2, $3, $4)`,
      [account, code, `https://id.brand.test/${code}`, id],
    );
  const key = `workorders/${account}/${id}.zip`;
  const zip = archiver('zip');
  const csv = zipped.map((code, i) => `${i},${code},${i + 1},1,https://id.brand.test/${code}\n`);
  zip.append(`extended_id,serial_number,sequence_number,batch_number,url\n${csv.join('')}`, {
    name: 'codes.csv',
  });
  zip.append('{}', { name: 'manifest.json' });
  zip.append(Buffer.from('png'), { name: 'sample_qr.png' });
  const uploaded = storage.upload(key, zip, 'application/zip');
  await zip.finalize();
  await uploaded;
  await client.query(
    `UPDATE workorder SET status = 'completed', file_key = $2, completed_at = now() WHERE id = $1`,
    [id, key],
  );
  await client.query(`UPDATE ingestion_record SET result_data = $2 WHERE id = $1`, [
    recordId,
    { workorder_id: Number(id) },
  ]);
  return id;
}

async function event(name: string, subject: string): Promise<void> {
  await client.query(`INSERT INTO event_outbox (account, event, subject) VALUES ($1, $2, $3)`, [
    account,
    name,
    subject,
  ]);
}

/** A finished upload as the workers leave it: record, workorder, zip and both events. */
async function completedUpload(key: string, ids: string[]): Promise<string> {
  const id = await record(key, 'completed', ids);
  const wo = await workorder(id, ids);
  await event('ingestion_record.completed', key);
  await event('workorder.completed', wo);
  return wo;
}

const upload = (key: string, file: number, kind: AcknowledgedUpload['kind']) => ({
  key,
  file,
  kind,
  posted: true,
  processed: true,
});

it('finds nothing wrong in consistent uploads, then each broken promise of ingestion', async () => {
  await reset();
  const good = await completedUpload('aaaaaaaaaaa1', ['upA00001', 'upA00002']);
  await record('aaaaaaaaaaa2', 'error', ['upB00001', 'upB00001']);
  await event('ingestion_record.failed', 'aaaaaaaaaaa2');
  const uploads: AcknowledgedUpload[] = [
    upload('aaaaaaaaaaa1', 0, 'valid'),
    upload('aaaaaaaaaaa2', 1, 'posted_duplicate'),
  ];
  expect(await violations({ ...none, uploads })).toEqual({});

  await record('aaaaaaaaaaa3', 'processing', ['upC00001']); // stuck
  await event('ingestion_record.completed', 'aaaaaaaaaaa3'); // about a record not completed
  const short = await record('aaaaaaaaaaa4', 'completed', ['upD00001', 'upD00002']);
  await event('workorder.completed', await workorder(short, ['upD00001'])); // a code missing
  await event('ingestion_record.completed', 'aaaaaaaaaaa4');
  await client.query(
    `DELETE FROM event_outbox WHERE event = 'workorder.completed' AND subject = $1`,
    [good],
  ); // an event lost
  const padded = await record('aaaaaaaaaaa5', 'completed', ['upE00001']);
  // Its codes.csv lists another workorder's code.
  await event(
    'workorder.completed',
    await workorder(padded, ['upE00001'], ['upE00001', 'upA00001']),
  );
  await event('ingestion_record.completed', 'aaaaaaaaaaa5');
  await record('aaaaaaaaaaa6', 'error', ['upF00001']);
  await event('ingestion_record.failed', 'aaaaaaaaaaa6');
  await client.query(
    `INSERT INTO unique_code (account, type, code, digital_link) VALUES ($1, 'custom', 'upF00001', 'x')`,
    [account],
  ); // a code of an errored file written
  await job(['upA00002']); // an uploaded code again, as another type
  await storage.upload(`workorders/${account}/999.zip`, Readable.from(['zip']), 'application/zip');
  await completedUpload('aaaaaaaaaaa7', ['upG00001']); // meant to fail, yet completed
  await record('aaaaaaaaaaa8', 'uploading', ['upH00001']); // processed (2xx), never started

  expect(
    await violations({
      ...none,
      uploads: [
        ...uploads,
        upload('aaaaaaaaaaa7', 7, 'invalid_id'),
        upload('aaaaaaaaaaa8', 8, 'valid'),
        upload('zzzzzzzzzzzz', 9, 'valid'), // get-post-data 201, no record
      ],
    }),
  ).toEqual({
    'every processed upload record ends completed or error (none stuck processing)': 1,
    "a completed record's workorder holds exactly the file's codes (count and set)": 1,
    '0 codes of an errored record exist': 1,
    '0 uploaded codes twice, or outside a completed record': 2,
    "every workorder completed, its zip in S3, its codes.csv listing exactly the workorder's codes": 1,
    '0 orphan workorder or upload objects (stored, no row)': 1,
    'every ingestion_record.completed / failed and workorder.completed event exactly once per finished row': 2,
    'every processed upload ended as its file was made (valid completed, broken error)': 2,
    'every 2xx write found in the database': 2,
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const archiver = require('archiver') as (format: 'zip') => Archiver;
