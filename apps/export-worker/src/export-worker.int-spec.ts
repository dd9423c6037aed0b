import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { runMigrations } from '@sid/shared/database';
import { jobId, JobName, JobQueue, QueueName } from '@sid/shared/queue';
import { ObjectStorage } from '@sid/shared/storage';
import {
  createTestDatabase,
  eventually,
  LocalS3,
  startLocalS3,
  TestDatabase,
} from '@sid/shared/testing';
import { ExportWorkerModule } from './export-worker.module';
import { ExportSweep } from './export.sweep';

/**
 * The export worker's module in-process (its BullMQ worker and recovery sweep running) against
 * the real PostgreSQL, Redis and a local s3rver.
 */
const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;

let database: TestDatabase;
let s3Directory: string;
let s3: LocalS3;
let moduleRef: TestingModule;
let db: DataSource;
let storage: ObjectStorage;
let account: string;
let serial = 0;

beforeAll(async () => {
  database = await createTestDatabase('export_worker');
  await runMigrations(database.url);
  s3Directory = await mkdtemp(join(tmpdir(), 'sid-export-worker-s3-'));
  s3 = await startLocalS3({ port: 0, directory: s3Directory });
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    QUEUE_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: `exports-${randomBytes(4).toString('hex')}`,
    RECOVERY_INTERVAL_MS: '1000',
    LOG_LEVEL: 'error',
  });
  moduleRef = await Test.createTestingModule({ imports: [ExportWorkerModule] }).compile();
  db = moduleRef.get(DataSource);
  storage = moduleRef.get(ObjectStorage);
  [{ id: account }] = await db.query(`INSERT INTO account (name) VALUES ('Brand') RETURNING id`);
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    PRODUCT,
    GTIN,
    account,
  ]);
  await moduleRef.init();
});

afterAll(async () => {
  if (moduleRef) {
    for (const name of Object.values(QueueName)) {
      await moduleRef.get(JobQueue).queue(name).obliterate({ force: true });
    }
    await moduleRef.close();
  }
  await s3?.stop();
  if (s3Directory) await rm(s3Directory, { recursive: true, force: true });
  await database?.drop();
});

afterEach(() => jest.restoreAllMocks());

/** A reservation that holds all its `count` codes and waits for its export file. */
async function fullReservation(count: number, exportType = 'csv'): Promise<string> {
  const [{ id }] = await db.query(
    `INSERT INTO code_reservation (account, code_type, product, quantity, quantity_reserved, status, export_type)
     VALUES ($1, 'sgtin', $2, $3, $3, 'in_progress', $4) RETURNING id`,
    [account, PRODUCT, count, exportType],
  );
  const codes = Array.from({ length: count }, () => `W${(serial++).toString(36).padStart(9, '0')}`);
  await db.query(
    `INSERT INTO unique_code (account, type, product, reservation, status, code, digital_link)
     SELECT $1, 'sgtin', $2, $3, 'reserved', c, 'https://id.example.com/01/${GTIN}/21/' || c
     FROM unnest($4::text[]) AS c`,
    [account, PRODUCT, id, codes],
  );
  return id;
}

async function reservation(id: string) {
  const [row] = await db.query(
    `SELECT status, export_file, error_message FROM code_reservation WHERE id = $1`,
    [id],
  );
  return row as { status: string; export_file: string | null; error_message: string | null };
}

const completed = (id: string) =>
  eventually(
    async () => {
      const row = await reservation(id);
      return row.status === 'complete' ? row : undefined;
    },
    30_000,
    `reservation ${id} to complete`,
    100,
  );

describe('export-worker', () => {
  it('an export-reservation job writes the file and completes the reservation', async () => {
    const id = await fullReservation(120, 'json');

    await moduleRef.get(JobQueue).add(JobName.ExportReservation, { reservationId: id });

    const done = await completed(id);
    const [file] = await db.query(`SELECT storage_key, type FROM file WHERE id = $1`, [
      done.export_file,
    ]);
    expect(file.type).toBe('application/json');
    expect(await storage.exists(file.storage_key)).toBe(true);
  });

  it('the recovery sweep exports a full reservation whose job Redis never got', async () => {
    const id = await fullReservation(30);

    const done = await completed(id);

    expect(done.export_file).not.toBeNull();
  });

  it('a job that fails for good says why on the reservation, and the sweep retries it', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let refuse = true;
    const upload = storage.upload.bind(storage);
    jest.spyOn(storage, 'upload').mockImplementation(async (...args) => {
      if (refuse) throw new Error('bucket on fire');
      return upload(...args);
    });
    // One attempt only, under the id the sweep uses, so that it fails for good at once: the
    // sweep must not enqueue it first (with the usual retries).
    const sweep = jest.spyOn(moduleRef.get(ExportSweep), 'sweep').mockResolvedValue(0);
    const id = await fullReservation(10);
    const queue: Queue = moduleRef.get(JobQueue).queue(QueueName.CodeExport);
    await queue.add(
      JobName.ExportReservation,
      { reservationId: id },
      { jobId: jobId(JobName.ExportReservation, { reservationId: id }), attempts: 1 },
    );
    sweep.mockRestore();

    const failed = await eventually(
      async () => {
        const row = await reservation(id);
        return row.error_message ? row : undefined;
      },
      30_000,
      'the failure to be recorded',
      100,
    );
    expect(failed).toMatchObject({ status: 'in_progress', export_file: null });
    expect(failed.error_message).toContain('bucket on fire');
    expect(
      await db.query(`SELECT 1 FROM file WHERE storage_key LIKE $1`, [`exports/%/${id}/%`]),
    ).toEqual([]);

    refuse = false;
    const done = await completed(id);
    expect(done.error_message).toBeNull();
    expect(done.export_file).not.toBeNull();
  });

  it('schedules the sweep of export objects, which deletes one that no file row points at', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const queue: Queue = moduleRef.get(JobQueue).queue(QueueName.CodeExport);
    const scheduler = await queue.getJobScheduler(JobName.SweepExportObjects);
    expect(scheduler).toMatchObject({ name: JobName.SweepExportObjects, every: 3_600_000 });

    const exported = await completed(await fullReservation(5));
    const [file] = await db.query(`SELECT storage_key FROM file WHERE id = $1`, [
      exported.export_file,
    ]);
    const orphan = `exports/${account}/crashed/${randomBytes(4).toString('hex')}.csv`;
    await storage.upload(orphan, Readable.from(['code\r\n']), 'text/csv');
    const config = moduleRef.get(AppConfig);
    const grace = config.EXPORT_OBJECT_GRACE_MS;
    // Anything stored before "in 2 s" counts as old; restored below.
    config.EXPORT_OBJECT_GRACE_MS = -2_000;
    try {
      await moduleRef.get(JobQueue).add(JobName.SweepExportObjects, {});

      await eventually(
        async () => ((await storage.exists(orphan)) ? undefined : true),
        30_000,
        'the orphan to be deleted',
        100,
      );
    } finally {
      config.EXPORT_OBJECT_GRACE_MS = grace;
    }
    expect(await storage.exists(file.storage_key)).toBe(true);
  });
});
