/**
 * `npm run bench:export`: exports of 1,000,000 codes against what any exporter must do at least.
 *
 * The baseline is the least work that moves the same rows into the same store: one
 * `COPY (SELECT <the exported columns> ...) TO STDOUT` piped as it comes, without framing or
 * formatting, into a multipart upload with the same part size and parts in flight as
 * `ObjectStorage.upload`, to the same store. Our exports are timed end to end: from the export
 * job being enqueued (what the reservation worker does once every code is claimed) until the
 * reservation is `complete` with its `file` row, each by a fresh export-worker process running
 * compiled, as the Docker image does, so that its peak RSS (VmHWM) is that format's.
 *
 * For the record (information, not goals), on the same rows:
 *   - copy: the raw COPY into a null sink (what PostgreSQL alone costs), and its size
 *     (baseline_bytes): `<format>_throughput_vs_baseline` compares an export's bytes per second
 *     with the baseline's, the formats writing two to four times the raw columns' bytes;
 *   - pg_format_<f>: our COPY with the rows formatted by PostgreSQL and framed in Node.js
 *     (`copyExportDocument`, what the worker runs) into a null sink;
 *   - node_format_<f>: the raw COPY parsed in Node.js and formatted by the format's serializer
 *     (`formats/`) into a null sink: the alternative to formatting in PostgreSQL.
 *
 * Exports are stored as the worker stores them by default, gzip-compressed (EXPORT_CONTENT_ENCODING;
 * BENCH_EXPORT_ENCODING=identity measures them stored as they are). `<format>_stored_bytes` is what
 * reached the store, `<format>_bytes` the document a caller downloads.
 *
 * Each export run follows a baseline run, so that both see the same load on a shared machine;
 * a format's ratio is the median of its BENCH_RUNS (default 3) exports over the median of the
 * baselines run with them. The figures for the record are single runs (BENCH_INFO_RUNS).
 * Sizes: BENCH_EXPORT_CODES (default 1,000,000). The store is a local s3rver unless
 * BENCH_S3_ENDPOINT names another (see bench-store.ts). Needs PostgreSQL (TEST_POSTGRES_URL) and
 * Redis (REDIS_URL), as the integration tests do. Ends with its verdict line (verdict.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  copyExportDocument,
  CsvSerializer,
  ExportRow,
  ExportSerializer,
  ExportSubject,
  JsonSerializer,
  XmlSerializer,
} from '@sid/exports';
import { runMigrations } from '@sid/shared/database';
import { JobName, jobId, QueueName, redisConnectionOptions } from '@sid/shared/queue';
import { ObjectStorage, UPLOAD_PART_SIZE, UPLOAD_QUEUE_SIZE } from '@sid/shared/storage';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { BenchBuild, buildApps } from './bench-build';
import {
  AppProcess,
  byteCounter,
  freePort,
  intEnv,
  peakRss,
  percentile,
  sleep,
  startApp,
  tail,
  waitForHttp,
  withCheckDigit,
} from './bench-processes';
import { BenchStore, startStore, storeEnv } from './bench-store';
import { judge, printVerdict, Verdict } from './verdict';

const CODES = intEnv('BENCH_EXPORT_CODES', 1_000_000);
const RUNS = intEnv('BENCH_RUNS', 3);
/** Runs of the figures that are for the record only (the formatting comparison). */
const INFO_RUNS = intEnv('BENCH_INFO_RUNS', 1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BUCKET = 'sid-bench-export';
const LINK_HOST = 'id.example.com';
const GTIN = withCheckDigit('0950600013436');
const URL_SUFFIX = '?src=bench';
const FORMATS = ['csv', 'json', 'xml'] as const;
type Format = (typeof FORMATS)[number];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RSS_LIMIT_MB = 256;
const RATIO_GOAL = 1.3;

/** The exported columns, raw: what the baseline moves. */
const RAW_COLUMNS =
  'code, digital_link, epc_join_key, type, product, status, activation_status, blacklist_reason';

interface Context {
  dir: string;
  pg: Client;
  store: BenchStore;
  env: Record<string, string>;
  prefix: string;
  build: BenchBuild;
  processes: AppProcess[];
  reservation: string;
}

async function main(): Promise<Verdict> {
  // The AWS SDK's notice about its future Node.js versions, as `npm start` hides it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dir = await mkdtemp(join(tmpdir(), 'sid-bench-export-'));
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const processes: AppProcess[] = [];
  let database: TestDatabase | undefined;
  let store: BenchStore | undefined;
  let build: BenchBuild | undefined;
  const cleanUp = async (): Promise<void> => {
    for (const each of processes.reverse()) await each.stop().catch(() => undefined);
    await store?.stop().catch(() => undefined);
    for (const name of Object.values(QueueName)) {
      const queue = new Queue(name, { connection: redisConnectionOptions(REDIS_URL), prefix });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await database?.drop().catch((e: unknown) => log(`could not drop database: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
    await build?.remove();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    build = await buildApps(`bench-export-${randomBytes(4).toString('hex')}`);
    database = await createTestDatabase('bench_export');
    await runMigrations(database.url);
    store = await startStore(dir);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const ctx: Context = {
      dir,
      pg: client,
      store,
      prefix,
      build,
      processes,
      reservation: '',
      env: {
        DATABASE_URL: database.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        ...storeEnv(store, BUCKET),
        LINK_DOMAIN: LINK_HOST,
        LOG_LEVEL: 'warn',
        ...(process.env.BENCH_EXPORT_ENCODING
          ? { EXPORT_CONTENT_ENCODING: process.env.BENCH_EXPORT_ENCODING }
          : {}),
      },
    };
    try {
      log(
        `database ${database.name}, store ${store.name}, ${CODES} codes, ${RUNS} runs each, ` +
          `exports stored ${process.env.BENCH_EXPORT_ENCODING ?? 'as the worker defaults (gzip)'}`,
      );
      ctx.reservation = await seed(client);
      await client.query('VACUUM ANALYZE');
      await client.query('CHECKPOINT').catch(() => undefined);
      return await measure(ctx);
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}

async function measure(ctx: Context): Promise<Verdict> {
  const figures: Record<string, number> = { codes: CODES };
  const ratios: Record<string, number> = {};

  const raw = byteCounter();
  figures.copy_seconds = await median('copy into a null sink', INFO_RUNS, () =>
    rawCopyInto(ctx, raw),
  );
  // What the baseline moves, for the bytes-per-second comparison below.
  figures.baseline_bytes = raw.bytes / INFO_RUNS;
  for (const format of FORMATS) {
    const pg = await median(`${format} formatted in PostgreSQL`, INFO_RUNS, () =>
      pgFormatted(ctx, format),
    );
    const node = await median(`${format} formatted in Node.js`, INFO_RUNS, () =>
      nodeFormatted(ctx, format),
    );
    figures[`pg_format_${format}_seconds`] = pg;
    figures[`node_format_${format}_seconds`] = node;
    ratios[`node_vs_pg_format_${format}`] = node / pg;
  }

  let peak = 0;
  const baselines: number[] = [];
  for (const format of FORMATS) {
    const run = await exportRuns(ctx, format);
    figures[`${format}_seconds`] = run.seconds;
    figures[`${format}_baseline_seconds`] = run.baselineSeconds;
    figures[`${format}_bytes`] = run.bytes;
    figures[`${format}_stored_bytes`] = run.storedBytes;
    figures[`${format}_worker_peak_rss_mb`] = run.peakRss / 2 ** 20;
    ratios[format] = run.seconds / run.baselineSeconds;
    // For the record: the export's bytes per second against the baseline's. A format writes
    // more bytes than the raw columns (JSON keys, XML tags) and the store takes time per byte.
    ratios[`${format}_throughput_vs_baseline`] =
      run.bytes / run.seconds / (figures.baseline_bytes / run.baselineSeconds);
    peak = Math.max(peak, run.peakRss);
    baselines.push(run.baselineSeconds);
  }
  figures.baseline_seconds = percentile(baselines, 50);
  figures.worker_peak_rss_mb = peak / 2 ** 20;

  return judge('export', figures, ratios, {
    csv: { of: 'csv', is: '<=', limit: RATIO_GOAL },
    json: { of: 'json', is: '<=', limit: RATIO_GOAL },
    xml: { of: 'xml', is: '<=', limit: RATIO_GOAL },
    worker_rss: { of: 'worker_peak_rss_mb', is: '<=', limit: RSS_LIMIT_MB },
  });
}

/** The median of `runs` timings of `run` (seconds), logged under `label`. */
async function median(label: string, runs: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(run));
  return logged(label, times);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

/** The median of `times`, logged with each of them. */
function logged(label: string, times: readonly number[]): number {
  const value = percentile(times, 50);
  log(`${label}: ${value.toFixed(3)} s (${times.map((t) => t.toFixed(3)).join(', ')})`);
  return value;
}

/** The raw COPY of the reservation's codes, text format, into `sink`. */
async function rawCopyInto(ctx: Context, sink: Writable): Promise<void> {
  const source = ctx.pg.query(
    copyTo(
      `COPY (SELECT ${RAW_COLUMNS} FROM unique_code WHERE reservation = '${ctx.reservation}') TO STDOUT`,
    ),
  );
  await pipeline(source, sink);
}

/** The baseline: the raw COPY as it comes into one multipart upload like ObjectStorage's. */
async function baselineUpload(ctx: Context): Promise<void> {
  const client = new S3Client({
    endpoint: ctx.store.options.endpoint,
    region: ctx.store.options.region,
    forcePathStyle: ctx.store.options.forcePathStyle,
    credentials: {
      accessKeyId: ctx.store.options.accessKeyId,
      secretAccessKey: ctx.store.options.secretAccessKey,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const storage = new ObjectStorage({ ...ctx.store.options, bucket: BUCKET });
  try {
    await storage.ensureBucket();
    const source = ctx.pg.query(
      copyTo(
        `COPY (SELECT ${RAW_COLUMNS} FROM unique_code WHERE reservation = '${ctx.reservation}') TO STDOUT`,
      ),
    );
    const upload = new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'bench/baseline', Body: source },
      partSize: UPLOAD_PART_SIZE,
      queueSize: UPLOAD_QUEUE_SIZE,
    });
    await upload.done();
    await storage.delete('bench/baseline');
  } finally {
    storage.close();
    client.destroy();
  }
}

async function pgFormatted(ctx: Context, format: Format): Promise<void> {
  const { document, copied } = copyExportDocument(ctx.pg, await subject(ctx, format));
  await Promise.all([copied, pipeline(document, byteCounter())]);
}

/**
 * The raw COPY parsed into `ExportRow` batches and formatted by the format's serializer. The
 * seeded values hold no tab, newline or backslash, so COPY's text escapes need no decoding here
 * (a real implementation would pay for that too).
 */
async function nodeFormatted(ctx: Context, format: Format): Promise<void> {
  const of = await subject(ctx, format);
  const meta = {
    reservation: of.id,
    reference_id: of.reference_id,
    product: of.product,
    code_type: of.code_type,
  };
  const serializer: ExportSerializer =
    format === 'csv'
      ? new CsvSerializer()
      : format === 'json'
        ? new JsonSerializer(meta)
        : new XmlSerializer(meta);
  let carry = '';
  const toRows = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const lines = (carry + chunk.toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      const rows: ExportRow[] = lines.map((line) => {
        const [code, link, epc, type, product, status, activation, reason] = line.split('\t');
        return {
          code,
          digital_link: link + (of.url_suffix ?? ''),
          epc_join_key: epc === '\\N' ? null : epc,
          type,
          product: product === '\\N' ? null : product,
          status,
          activation_status: Number(activation),
          blacklist_reason: reason === '\\N' ? null : reason,
          reservation: of.id,
          reference_id: of.reference_id,
        };
      });
      callback(null, rows);
    },
  });
  const source = ctx.pg.query(
    copyTo(
      `COPY (SELECT ${RAW_COLUMNS} FROM unique_code WHERE reservation = '${ctx.reservation}') TO STDOUT`,
    ),
  );
  await pipeline(source, toRows, serializer, byteCounter());
}

async function subject(ctx: Context, format: Format): Promise<ExportSubject> {
  const { rows } = await ctx.pg.query<ExportSubject>(
    `SELECT id, $2::text AS export_type, url_suffix, reference_id, product, code_type
     FROM code_reservation WHERE id = $1`,
    [ctx.reservation, format],
  );
  return rows[0];
}

interface ExportRuns {
  seconds: number;
  /** The baseline, run just before each export so that both see the same load. */
  baselineSeconds: number;
  bytes: number;
  /** What reached the store (less than `bytes` when compressed). */
  storedBytes: number;
  peakRss: number;
}

/** RUNS exports of the reservation as `format` by one fresh export-worker process. */
async function exportRuns(ctx: Context, format: Format): Promise<ExportRuns> {
  const port = await freePort();
  const worker = startApp(
    'export-worker',
    `export-worker-${format}`,
    { ...ctx.env, HEALTH_PORT: String(port) },
    ctx.dir,
    { build: ctx.build.dir },
  );
  ctx.processes.push(worker);
  await waitForHttp(`http://127.0.0.1:${port}/health`, worker);
  const queue = new Queue(QueueName.CodeExport, {
    connection: redisConnectionOptions(REDIS_URL),
    prefix: ctx.prefix,
  });
  const storage = new ObjectStorage({ ...ctx.store.options, bucket: BUCKET });
  const sizes = new Set<number>();
  const stored: number[] = [];
  const baselines: number[] = [];
  const exports: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      baselines.push(await timed(() => baselineUpload(ctx)));
      let key = '';
      exports.push(
        await timed(async () => {
          const file = await exportOnce(ctx, queue, worker, format);
          sizes.add(file.size);
          key = file.key;
        }),
      );
      stored.push((await storage.head(key))?.size ?? Number.NaN);
      // Keep the store's disk from filling with copies of the same file.
      await storage.delete(key);
    }
    const baselineSeconds = logged(`baseline before each ${format} export`, baselines);
    const seconds = logged(`${format} export end to end`, exports);
    if (sizes.size !== 1) throw new Error(`${format} exports differ in size: ${[...sizes]}`);
    const rss = await peakRss(worker.pid);
    const storedBytes = percentile(stored, 50);
    log(
      `${format}: ${[...sizes][0]} bytes (${storedBytes} stored), ` +
        `worker peak RSS ${(rss / 2 ** 20).toFixed(1)} MB`,
    );
    return { seconds, baselineSeconds, bytes: [...sizes][0], storedBytes, peakRss: rss };
  } finally {
    storage.close();
    await queue.close();
    await worker.stop();
  }
}

/** One export: the reservation set back to waiting for its file, its job enqueued, awaited. */
async function exportOnce(
  ctx: Context,
  queue: Queue,
  worker: AppProcess,
  format: Format,
): Promise<{ size: number; key: string }> {
  await ctx.pg.query(
    `UPDATE code_reservation SET status = 'in_progress', export_file = NULL, export_type = $2 WHERE id = $1`,
    [ctx.reservation, format],
  );
  const payload = { reservationId: ctx.reservation };
  // The id the worker's recovery sweep would use too: at most one job, whoever adds it.
  const id = jobId(JobName.ExportReservation, payload);
  await queue.add(JobName.ExportReservation, payload, {
    jobId: id,
    attempts: 1,
    removeOnComplete: true,
  });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const { rows } = await ctx.pg.query<{ status: string; filesize: string; key: string }>(
      `SELECT r.status, f.filesize, f.storage_key AS key
       FROM code_reservation r JOIN file f ON f.id = r.export_file WHERE r.id = $1`,
      [ctx.reservation],
    );
    if (rows[0]?.status === 'complete') return { size: Number(rows[0].filesize), key: rows[0].key };
    const job = await queue.getJob(id);
    if (job && (await job.isFailed()))
      throw new Error(`${format} export failed: ${job.failedReason}`);
    if (Date.now() > deadline || worker.child.exitCode !== null) {
      throw new Error(`${format} export did not complete\n${await tail(worker.log)}`);
    }
    await sleep(10);
  }
}

/** An account, a product and one reservation holding CODES codes (random 12-character codes). */
async function seed(pg: Client): Promise<string> {
  const account = await one(pg, `INSERT INTO account (name) VALUES ('Bench') RETURNING id`);
  const user = await one(
    pg,
    `INSERT INTO app_user (account, email, role) VALUES ($1, 'bench@example.com', 'admin') RETURNING id`,
    [account],
  );
  await pg.query(`INSERT INTO product (id, gtin, account, user_created) VALUES ($1, $2, $3, $4)`, [
    `/01/${GTIN}`,
    GTIN,
    account,
    user,
  ]);
  const reservation = await one(
    pg,
    `INSERT INTO code_reservation (account, code_type, product, quantity, quantity_reserved, status,
       export_type, url_suffix, reference_id, user_created)
     VALUES ($1, 'sgtin', $2, $3, $3, 'complete', 'csv', $4, 'BENCH-1M', $5)
     RETURNING id`,
    [account, `/01/${GTIN}`, CODES, URL_SUFFIX, user],
  );
  const fixed = `${account}\tsgtin\t/01/${GTIN}\treserved\t${reservation}\t`;
  const seen = new Set<string>();
  async function* lines(): AsyncGenerator<string> {
    for (let done = 0; done < CODES;) {
      const batch = Math.min(10_000, CODES - done);
      let text = '';
      for (let i = 0; i < batch;) {
        const code = randomCode(12);
        if (seen.has(code)) continue;
        seen.add(code);
        text += `${fixed}${code}\thttps://${LINK_HOST}/01/${GTIN}/21/${code}\t${GTIN}-${code}\t${user}\n`;
        i++;
      }
      done += batch;
      yield text;
    }
  }
  await pipeline(
    Readable.from(lines()),
    pg.query(
      copyFrom(`COPY unique_code (account, type, product, status, reservation, code, digital_link,
        epc_join_key, user_created) FROM STDIN`),
    ),
  );
  return reservation;
}

function randomCode(length: number): string {
  let code = '';
  while (code.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && code.length < length) code += ALPHANUMERIC[byte % 62];
    }
  }
  return code;
}

async function one(pg: Client, sql: string, params: unknown[] = []): Promise<string> {
  const { rows } = await pg.query<{ id: string }>(sql, params);
  return rows[0].id;
}

function log(message: string): void {
  console.log(`[bench:export] ${message}`);
}

main().then(printVerdict, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
