/**
 * `npm run bench:reserve`: reservation claims and exports, measured against raw PostgreSQL.
 *
 * On one fresh database (dropped at the end), with an object store (see below) and the real apps
 * started as processes:
 *   (i)  baseline: one session claims RESERVATIONS x RESERVATION_SIZE codes with the raw SKIP
 *        LOCKED CTE, one transaction per reservation, as the claim service batches them;
 *   (ii) baseline: `COPY (SELECT ...) TO STDOUT` of EXPORT_CODES codes of one reservation;
 *   (a)  RESERVATIONS reservations of RESERVATION_SIZE codes POSTed at once to the gateway and
 *        served by RESERVATION_WORKERS reservation-worker processes (+ 1 export-worker);
 *   (b0) the same export's own path without a store: `copyExportDocument`, as the worker runs
 *        it, drained into a byte counter in this process (what the export costs before upload);
 *   (b)  one reservation of EXPORT_CODES codes (seeded with COPY) re-exported as CSV, JSON and
 *        XML, each by a fresh export-worker process so that its peak RSS (VmHWM) is that
 *        format's. The worker runs compiled, as the Docker image runs it (`buildApps` compiles
 *        into tmp/); one more CSV run from source shows what @swc-node/register adds. After
 *        each, the same number of bytes is uploaded to the store alone: the floor for that export.
 *
 * CPU time (Linux /proc) shows where (ii) and (b) spend the machine's two cores, so that the
 * export path's own cost can be told apart from the local object store's: for (ii) the busy CPU
 * seconds of the whole machine (PostgreSQL + the reading bench process: all of the raw path);
 * for each (b) export, from enqueuing to completion, the export worker's and s3rver's own CPU
 * seconds and the machine's busy total, the rest being PostgreSQL (whose parallel query workers
 * are short-lived processes, hence machine totals rather than per-backend figures), the bench's
 * polling and anything else running. These are information, not goals.
 *
 * The store is a local s3rver unless BENCH_S3_ENDPOINT names another S3-compatible store (with
 * S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_FORCE_PATH_STYLE as the apps take them):
 * s3rver shares this machine's cores and stores each byte twice (parts, then the object), so it
 * alone needs about as long as the (b) goals allow. An external store's CPU is not measured.
 *
 * The gateway and the reservation workers run from source (`node -r @swc-node/register`).
 *
 * Sizes can be lowered for a quick try: BENCH_RESERVATIONS, BENCH_RESERVATION_SIZE,
 * BENCH_EXPORT_CODES, BENCH_RESERVATION_WORKERS. Needs PostgreSQL (TEST_POSTGRES_URL) and Redis
 * (REDIS_URL), as the integration tests do.
 */
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { copyExportDocument, ExportSubject } from '@sid/exports';
import { runMigrations } from '@sid/shared/database';
import { JobName, jobId, QueueName, redisConnectionOptions } from '@sid/shared/queue';
import { ObjectStorage } from '@sid/shared/storage';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { BenchBuild, buildApps } from './bench-build';
import { BenchStore, startStore } from './bench-store';
import { Goal, judge, printVerdict, Verdict } from './verdict';
import {
  AppProcess,
  byteCounter,
  callApi,
  freePort,
  intEnv,
  machineBusyCpuSeconds,
  peakRss,
  percentile,
  processCpuSeconds,
  sleep,
  startApp,
  tail,
  waitForHttp,
  withCheckDigit,
} from './bench-processes';

const RESERVATIONS = intEnv('BENCH_RESERVATIONS', 200);
const RESERVATION_SIZE = intEnv('BENCH_RESERVATION_SIZE', 1_000);
const EXPORT_CODES = intEnv('BENCH_EXPORT_CODES', 1_000_000);
const RESERVATION_WORKERS = intEnv('BENCH_RESERVATION_WORKERS', 4);
const CLAIMED = RESERVATIONS * RESERVATION_SIZE;

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const BUCKET = 'sid-bench';
const LINK_HOST = 'id.example.com';
const POOL_GTIN = '09506000134352';
const EXPORT_GTIN = withCheckDigit('0950600013436');
const URL_SUFFIX = '?src=bench';
const EXPORT_FORMATS = ['csv', 'json', 'xml'] as const;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The claim statement of `reservation.sql.ts` (CLAIM_CODES_OF_PRODUCT), which it does not export. */
const RAW_CLAIM = `
  WITH picked AS (
    SELECT id FROM unique_code
    WHERE product = $1 AND type = $2 AND status = 'unassigned' AND account = $3
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  UPDATE unique_code u
  SET status = 'reserved', reservation = $5, date_updated = now()
  FROM picked
  WHERE u.id = picked.id`;

interface Context {
  dir: string;
  database: TestDatabase;
  store: BenchStore;
  pg: Client;
  prefix: string;
  env: Record<string, string>;
  gatewayUrl: string;
  processes: AppProcess[];
  /** The apps compiled as `npm run build` does, for the export worker of (b). */
  build: BenchBuild;
  account: string;
  user: string;
  codes: Set<string>;
}

interface ClaimBaseline {
  seconds: number;
  rate: number;
}

interface CopyBaseline {
  seconds: number;
  /** Machine-wide busy CPU seconds of the same runs (median): PostgreSQL + the reader. */
  cpuSeconds: number;
}

/** CPU seconds used over one measured window. */
interface CpuUse {
  /** The export worker process (absent for store-only uploads). */
  worker?: number;
  /** The store, when it runs here (s3rver). */
  store?: number;
  /** Busy CPU seconds of the whole machine. */
  machine: number;
}

interface ReservationRun {
  claimSeconds: number;
  rate: number;
  p95Claim: number;
  p95Complete: number;
  allCompleteSeconds: number;
}

interface ExportRun {
  format: (typeof EXPORT_FORMATS)[number];
  /** 'built': compiled JavaScript, as deployed; 'source': through @swc-node/register. */
  form: 'built' | 'source';
  seconds: number;
  bytes: number;
  peakRss: number;
  /** Peak RSS of the worker once started, before the export. */
  idleRss: number;
  /** CPU seconds from enqueuing to completion. */
  cpu: CpuUse;
  /** Which object store (s3rver, or BENCH_S3_ENDPOINT). */
  store: string;
  /** Seconds the object store alone takes to store as many bytes (a floor for `seconds`). */
  storeSeconds: number;
  /** CPU seconds of that store-only upload. */
  storeCpu: CpuUse;
}

interface StoreOnly {
  seconds: number;
  cpu: CpuUse;
}

async function main(): Promise<Verdict> {
  const startedAt = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'sid-bench-reserve-'));
  const processes: AppProcess[] = [];
  let database: TestDatabase | undefined;
  let store: BenchStore | undefined;
  let pg: Client | undefined;
  let build: BenchBuild | undefined;
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const cleanUp = async (): Promise<void> => {
    for (const each of processes.reverse()) await each.stop().catch(() => undefined);
    await store?.stop().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await obliterateQueues(prefix).catch((e: unknown) =>
      log(`could not clear queues: ${String(e)}`),
    );
    await database?.drop().catch((e: unknown) => log(`could not drop database: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
    await build?.remove();
  };
  // Interrupted (Ctrl-C, kill): still stop the processes and drop the database.
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    build = await buildApps(`bench-reserve-${randomBytes(4).toString('hex')}`);
    database = await createTestDatabase('bench_reserve');
    await runMigrations(database.url);
    store = await startStore(dir);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      S3_ENDPOINT: store.options.endpoint ?? '',
      S3_BUCKET: BUCKET,
      S3_REGION: store.options.region,
      S3_ACCESS_KEY_ID: store.options.accessKeyId,
      S3_SECRET_ACCESS_KEY: store.options.secretAccessKey,
      S3_FORCE_PATH_STYLE: String(store.options.forcePathStyle),
      LINK_DOMAIN: LINK_HOST,
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    const gateway = startApp(
      'api-gateway',
      'api-gateway',
      { ...env, PORT: String(port), ADMIN_EMAIL, ADMIN_TOKEN },
      dir,
    );
    processes.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${gatewayUrl}/server/health`, gateway);
    await api(gatewayUrl, 'POST', '/items/product', { gtin: POOL_GTIN });
    await api(gatewayUrl, 'POST', '/items/product', { gtin: EXPORT_GTIN });
    const [admin] = (
      await pg.query<{ id: string; account: string }>(
        `SELECT id, account FROM app_user WHERE email = $1`,
        [ADMIN_EMAIL],
      )
    ).rows;
    const ctx: Context = {
      dir,
      database,
      store,
      pg,
      prefix,
      env,
      gatewayUrl,
      processes,
      build,
      account: admin.account,
      user: admin.id,
      codes: new Set(),
    };

    log(
      `database ${database.name}, queue prefix ${prefix}, store ${store.name} (${store.options.endpoint})`,
    );
    log(`seeding: ${2 * CLAIMED + RESERVATION_SIZE} pool codes, ${EXPORT_CODES} reserved codes`);
    await seedPool(ctx, 2 * CLAIMED + RESERVATION_SIZE);
    const exportReservation = await seedExportReservation(ctx);
    ctx.codes.clear();
    await pg.query('VACUUM ANALYZE');

    const claim = await claimBaseline(ctx);
    await settle(pg);
    const copy = await copyBaseline(ctx, exportReservation);
    const framed: FramedRun[] = [];
    for (const format of EXPORT_FORMATS)
      framed.push(await framedRun(ctx, exportReservation, format));
    const reservations = await reservationRun(ctx);
    await settle(pg);
    const exports: ExportRun[] = [];
    for (const format of EXPORT_FORMATS) {
      exports.push(await exportRun(ctx, exportReservation, format, 'built'));
    }
    // For the record: the same worker run from source carries the TypeScript compiler.
    exports.push(await exportRun(ctx, exportReservation, 'csv', 'source'));

    report(claim, copy, framed, reservations, exports);
    log(`total ${seconds(Date.now() - startedAt)}`);
    return verdict(claim, copy, reservations, exports);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}

/**
 * After a phase that wrote many rows: vacuum and checkpoint now, so that neither autovacuum nor
 * the checkpointer's writes run inside the next measured window (the CPU figures count them).
 */
async function settle(pg: Client): Promise<void> {
  await pg.query('VACUUM ANALYZE unique_code');
  // Needs superuser or pg_checkpoint: without them, the figures just carry that noise.
  await pg.query('CHECKPOINT').catch(() => undefined);
}

/** Unassigned codes of the pool product, written with COPY. */
async function seedPool(ctx: Context, count: number): Promise<void> {
  await copyCodes(ctx, count, POOL_GTIN, null);
}

/**
 * One reservation holding EXPORT_CODES codes, created directly so that no claim job runs for it.
 * It stays `complete` (so no recovery sweep exports it) until an export run sets it back.
 */
async function seedExportReservation(ctx: Context): Promise<string> {
  const {
    rows: [{ id }],
  } = await ctx.pg.query<{ id: string }>(
    `INSERT INTO code_reservation (account, code_type, product, quantity, quantity_reserved, status,
       export_type, url_suffix, reference_id, user_created)
     VALUES ($1, 'sgtin', $2, $3, $3, 'complete', 'csv', $4, 'BENCH-1M', $5)
     RETURNING id`,
    [ctx.account, `/01/${EXPORT_GTIN}`, EXPORT_CODES, URL_SUFFIX, ctx.user],
  );
  await copyCodes(ctx, EXPORT_CODES, EXPORT_GTIN, id);
  return id;
}

async function copyCodes(
  ctx: Context,
  count: number,
  gtin: string,
  reservation: string | null,
): Promise<void> {
  const sink = ctx.pg.query(
    copyFrom(`COPY unique_code (account, type, product, status, reservation, code, digital_link,
      epc_join_key, user_created) FROM STDIN`),
  );
  const fixed = `${ctx.account}\tsgtin\t/01/${gtin}\t${reservation ? 'reserved' : 'unassigned'}\t${reservation ?? '\\N'}\t`;
  async function* lines(): AsyncGenerator<string> {
    for (let done = 0; done < count;) {
      const batch = Math.min(10_000, count - done);
      const out: string[] = [];
      for (const code of uniqueCodes(ctx.codes, batch, 12)) {
        out.push(
          `${fixed}${code}\thttps://${LINK_HOST}/01/${gtin}/21/${code}\t${gtin}-${code}\t${ctx.user}\n`,
        );
      }
      done += batch;
      yield out.join('');
    }
  }
  await pipeline(lines, sink);
}

/** `count` random alphanumeric codes of `length` that are not in `seen` (which they join). */
function uniqueCodes(seen: Set<string>, count: number, length: number): string[] {
  const codes: string[] = [];
  while (codes.length < count) {
    const bytes = randomBytes(length * 2);
    let code = '';
    for (let i = 0; i < bytes.length && code.length < length; i++) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (bytes[i] < 248) code += ALPHANUMERIC[bytes[i] % 62];
    }
    if (code.length === length && !seen.has(code)) {
      seen.add(code);
      codes.push(code);
    }
  }
  return codes;
}

/** (i) One session claims CLAIMED codes with the raw CTE, one transaction per reservation. */
async function claimBaseline(ctx: Context): Promise<ClaimBaseline> {
  const { rows } = await ctx.pg.query<{ id: string }>(
    `INSERT INTO code_reservation (account, code_type, product, quantity, status, user_created)
     SELECT $1, 'sgtin', $2, $3, 'in_progress', $4 FROM generate_series(1, $5)
     RETURNING id`,
    [ctx.account, `/01/${POOL_GTIN}`, RESERVATION_SIZE, ctx.user, RESERVATIONS],
  );
  let claimed = 0;
  const started = performance.now();
  for (const { id } of rows) {
    await ctx.pg.query('BEGIN');
    const result = await ctx.pg.query(RAW_CLAIM, [
      `/01/${POOL_GTIN}`,
      'sgtin',
      ctx.account,
      RESERVATION_SIZE,
      id,
    ]);
    await ctx.pg.query('COMMIT');
    claimed += result.rowCount ?? 0;
  }
  const elapsed = (performance.now() - started) / 1000;
  if (claimed !== CLAIMED) throw new Error(`baseline claimed ${claimed} codes, not ${CLAIMED}`);
  // These reservations are not part of the API run: cancel them (their codes stay claimed).
  await ctx.pg.query(
    `UPDATE code_reservation SET status = 'cancelled', quantity_reserved = quantity WHERE id = ANY($1)`,
    [rows.map((r) => r.id)],
  );
  log(`(i) raw claim: ${CLAIMED} codes in ${elapsed.toFixed(3)} s`);
  return { seconds: elapsed, rate: CLAIMED / elapsed };
}

/** (ii) COPY TO of the export reservation's codes, drained to a byte counter; median of 3. */
async function copyBaseline(ctx: Context, reservation: string): Promise<CopyBaseline> {
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 4; run++) {
    const cpuBefore = await machineBusyCpuSeconds();
    const started = performance.now();
    const source = ctx.pg.query(
      copyTo(`COPY (SELECT code, digital_link, epc_join_key, type, product, status, reservation
        FROM unique_code WHERE reservation = '${reservation}') TO STDOUT`),
    );
    const counter = byteCounter();
    await pipeline(source, counter);
    bytes = counter.bytes;
    const elapsed = (performance.now() - started) / 1000;
    const cpuUsed = (await machineBusyCpuSeconds()) - cpuBefore;
    // The first run warms the cache, as the exports will find it.
    if (run > 0) {
      times.push(elapsed);
      cpu.push(cpuUsed);
    }
  }
  const median = percentile(times, 50);
  const cpuSeconds = percentile(cpu, 50);
  log(
    `(ii) COPY TO: ${EXPORT_CODES} codes, ${mb(bytes)} in ${median.toFixed(3)} s, machine CPU ${cpuSeconds.toFixed(2)} s (medians of 3)`,
  );
  return { seconds: median, cpuSeconds };
}

/** The export's own path, without the store: see `framedRun`. */
interface FramedRun {
  format: (typeof EXPORT_FORMATS)[number];
  seconds: number;
  bytes: number;
}

/**
 * The export worker's own code path without the store: `copyExportDocument` (the COPY that
 * serializes the codes in PostgreSQL, framed into the whole document) drained into a byte
 * counter in this process, on the baseline's connection; median of 3 after a warm-up.
 */
async function framedRun(
  ctx: Context,
  reservation: string,
  format: FramedRun['format'],
): Promise<FramedRun> {
  const {
    rows: [subject],
  } = await ctx.pg.query<ExportSubject>(
    `SELECT id, $2::text AS export_type, url_suffix, reference_id, product, code_type
     FROM code_reservation WHERE id = $1`,
    [reservation, format],
  );
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 4; run++) {
    const started = performance.now();
    const { document, copied } = copyExportDocument(ctx.pg, subject);
    const counter = byteCounter();
    await Promise.all([copied, pipeline(document, counter)]);
    bytes = counter.bytes;
    if (run > 0) times.push((performance.now() - started) / 1000);
  }
  const median = percentile(times, 50);
  log(`(b0) ${format} without the store: ${mb(bytes)} in ${median.toFixed(3)} s (median of 3)`);
  return { format, seconds: median, bytes };
}

/** (a) RESERVATIONS reservations POSTed at once, served by the worker processes. */
async function reservationRun(ctx: Context): Promise<ReservationRun> {
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < RESERVATION_WORKERS; i++) {
    workers.push(await startWorker(ctx, 'reservation-worker', `reservation-worker-${i + 1}`));
  }
  const exporter = await startWorker(ctx, 'export-worker', 'export-worker-a');
  await Promise.all([...workers, exporter].map((w) => waitForHttp(w.healthUrl, w)));

  const t0 = performance.now();
  const submitted = await Promise.all(
    Array.from({ length: RESERVATIONS }, async () => {
      const at = performance.now();
      const body = await api(ctx.gatewayUrl, 'POST', '/items/code_reservation', {
        product: `/01/${POOL_GTIN}`,
        quantity: RESERVATION_SIZE,
      });
      return { id: (body as { data: { id: string } }).data.id, at };
    }),
  );
  const submittedAt = new Map(submitted.map((s) => [s.id, s.at]));
  log(`(a) ${RESERVATIONS} reservations submitted in ${seconds(performance.now() - t0)}`);

  const claimedAt = new Map<string, number>();
  const completedAt = new Map<string, number>();
  const deadline = Date.now() + 10 * 60_000;
  while (completedAt.size < RESERVATIONS) {
    const { rows } = await ctx.pg.query<{
      id: string;
      status: string;
      quantity: number;
      quantity_reserved: number;
      error_message: string | null;
    }>(
      `SELECT id, status, quantity, quantity_reserved, error_message FROM code_reservation WHERE id = ANY($1)`,
      [[...submittedAt.keys()]],
    );
    const now = performance.now();
    for (const row of rows) {
      if (row.status === 'error' || row.status === 'cancelled') {
        throw new Error(`reservation ${row.id} ended ${row.status}: ${row.error_message}`);
      }
      if (row.quantity_reserved === row.quantity && !claimedAt.has(row.id))
        claimedAt.set(row.id, now);
      if (row.status === 'complete' && !completedAt.has(row.id)) completedAt.set(row.id, now);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `(a) timed out: ${claimedAt.size} claimed, ${completedAt.size} complete\n${await tail(workers[0].log)}`,
      );
    }
    await sleep(20);
  }
  const lastClaim = Math.max(...claimedAt.values());
  const lastComplete = Math.max(...completedAt.values());
  for (const each of [...workers, exporter]) await each.stop();

  const {
    rows: [check],
  } = await ctx.pg.query<{ wrong: number; codes: number }>(
    `SELECT count(*) FILTER (WHERE n <> $2)::int AS wrong, coalesce(sum(n), 0)::int AS codes
     FROM (SELECT r.id, (SELECT count(*) FROM unique_code c WHERE c.reservation = r.id) AS n
           FROM code_reservation r WHERE r.id = ANY($1)) x`,
    [[...submittedAt.keys()], RESERVATION_SIZE],
  );
  if (check.wrong > 0 || check.codes !== CLAIMED) {
    throw new Error(`(a) ${check.wrong} reservations do not hold ${RESERVATION_SIZE} codes`);
  }
  const claimLatency = [...claimedAt].map(([id, at]) => (at - (submittedAt.get(id) ?? t0)) / 1000);
  const completeLatency = [...completedAt].map(
    ([id, at]) => (at - (submittedAt.get(id) ?? t0)) / 1000,
  );
  const claimSeconds = (lastClaim - t0) / 1000;
  return {
    claimSeconds,
    rate: CLAIMED / claimSeconds,
    p95Claim: percentile(claimLatency, 95),
    p95Complete: percentile(completeLatency, 95),
    allCompleteSeconds: (lastComplete - t0) / 1000,
  };
}

/** (b) The export reservation exported as `format` by a fresh export-worker process. */
async function exportRun(
  ctx: Context,
  reservation: string,
  format: ExportRun['format'],
  form: ExportRun['form'],
): Promise<ExportRun> {
  const worker = await startWorker(ctx, 'export-worker', `export-worker-${format}-${form}`, {
    build: form === 'built' ? ctx.build.dir : undefined,
  });
  await waitForHttp(worker.healthUrl, worker);
  const idleRss = await peakRss(worker.pid);
  await ctx.pg.query(
    `UPDATE code_reservation SET status = 'in_progress', export_file = NULL, export_type = $2 WHERE id = $1`,
    [reservation, format],
  );
  const queue = new Queue(QueueName.CodeExport, {
    connection: redisConnectionOptions(REDIS_URL),
    prefix: ctx.prefix,
  });
  try {
    const payload = { reservationId: reservation };
    // The id the export worker's recovery sweep would use too: at most one job, whoever adds it.
    const id = jobId(JobName.ExportReservation, payload);
    const cpuBefore = await cpuNow(ctx, worker.pid);
    const started = performance.now();
    await queue.add(JobName.ExportReservation, payload, {
      jobId: id,
      attempts: 1,
      removeOnComplete: true,
    });
    const deadline = Date.now() + 15 * 60_000;
    for (;;) {
      const {
        rows: [row],
      } = await ctx.pg.query<{ status: string; export_file: string | null }>(
        `SELECT status, export_file FROM code_reservation WHERE id = $1`,
        [reservation],
      );
      if (row.status === 'complete' && row.export_file) break;
      const job = await queue.getJob(id);
      if (job && (await job.isFailed())) {
        throw new Error(`(b) ${format} export failed: ${job.failedReason}`);
      }
      if (Date.now() > deadline)
        throw new Error(`(b) ${format} export timed out\n${await tail(worker.log)}`);
      await sleep(20);
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSince(cpuBefore, await cpuNow(ctx, worker.pid));
    const rss = await peakRss(worker.pid);
    const {
      rows: [file],
    } = await ctx.pg.query<{ filesize: string }>(
      `SELECT f.filesize FROM file f JOIN code_reservation r ON r.export_file = f.id WHERE r.id = $1`,
      [reservation],
    );
    log(
      `(b) ${format} (${form}): ${mb(Number(file.filesize))} in ${elapsed.toFixed(3)} s, peak RSS ${mb(rss)} (${mb(idleRss)} before the export); ` +
        `CPU: worker ${cpu.worker?.toFixed(2)} s, store ${cpu.store?.toFixed(2) ?? 'not measured'}, machine ${cpu.machine.toFixed(2)} s`,
    );
    await worker.stop();
    const store = await storeOnly(ctx, Number(file.filesize));
    return {
      format,
      form,
      seconds: elapsed,
      bytes: Number(file.filesize),
      peakRss: rss,
      idleRss,
      cpu,
      store: ctx.store.name,
      storeSeconds: store.seconds,
      storeCpu: store.cpu,
    };
  } finally {
    await queue.close();
    await worker.stop();
  }
}

/**
 * How long the object store takes to take `bytes` on its own: the same multipart upload of
 * that many (constant) bytes from memory, no database involved. s3rver is one Node.js process
 * that writes and hashes every part, then concatenates them: it bounds what any export can do.
 */
async function storeOnly(ctx: Context, bytes: number): Promise<StoreOnly> {
  const storage = new ObjectStorage({ ...ctx.store.options, bucket: BUCKET });
  const chunk = Buffer.alloc(64 * 1024, 'code,https://id.example.com/01/;');
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      const next = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += next.length;
      this.push(next);
    },
  });
  try {
    const cpuBefore = await cpuNow(ctx);
    const started = performance.now();
    await storage.upload('bench/store-only', body, 'application/octet-stream');
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSince(cpuBefore, await cpuNow(ctx));
    await storage.delete('bench/store-only');
    return { seconds: elapsed, cpu };
  } finally {
    storage.close();
  }
}

/**
 * CPU seconds used so far by the export worker `workerPid` (if given), by the store and by the
 * whole machine (busy time); subtract two readings with `cpuSince`.
 */
async function cpuNow(ctx: Context, workerPid?: number): Promise<CpuUse> {
  const [worker, store, machine] = await Promise.all([
    workerPid === undefined ? undefined : processCpuSeconds(workerPid),
    ctx.store.pid === undefined ? undefined : processCpuSeconds(ctx.store.pid),
    machineBusyCpuSeconds(),
  ]);
  return { worker, store, machine };
}

function cpuSince(before: CpuUse, after: CpuUse): CpuUse {
  return {
    worker:
      before.worker === undefined || after.worker === undefined
        ? undefined
        : after.worker - before.worker,
    store:
      before.store === undefined || after.store === undefined
        ? undefined
        : after.store - before.store,
    machine: after.machine - before.machine,
  };
}

/** A worker process with its `/health` endpoint. */
interface WorkerProcess extends AppProcess {
  healthUrl: string;
}

async function startWorker(
  ctx: Context,
  app: string,
  name: string,
  options: { build?: string } = {},
): Promise<WorkerProcess> {
  const port = await freePort();
  const worker = startApp(app, name, { ...ctx.env, HEALTH_PORT: String(port) }, ctx.dir, options);
  ctx.processes.push(worker);
  return Object.assign(worker, { healthUrl: `http://127.0.0.1:${port}/health` });
}

function report(
  claim: ClaimBaseline,
  baseline: CopyBaseline,
  framed: readonly FramedRun[],
  run: ReservationRun,
  exports: readonly ExportRun[],
): void {
  const copy = baseline.seconds;
  const ratio = run.rate / claim.rate;
  const lines = [
    '',
    `== bench:reserve (${RESERVATIONS} x ${RESERVATION_SIZE} codes, ${RESERVATION_WORKERS} reservation workers; export of ${EXPORT_CODES} codes)`,
    `baseline (i)  raw SKIP LOCKED claim, 1 session: ${fmt(claim.rate)} codes/s (${claim.seconds.toFixed(3)} s)`,
    `baseline (ii) COPY TO STDOUT of ${EXPORT_CODES} codes: ${copy.toFixed(3)} s, CPU ${baseline.cpuSeconds.toFixed(2)} s`,
    `(a) via API + workers: ${fmt(run.rate)} codes/s (all claimed in ${run.claimSeconds.toFixed(3)} s), ` +
      `${ratio.toFixed(2)}x baseline [goal >= 0.5x: ${ratio >= 0.5 ? 'met' : 'MISSED'}]`,
    `    p95 completion: claim ${run.p95Claim.toFixed(3)} s, with export ${run.p95Complete.toFixed(3)} s; ` +
      `all complete after ${run.allCompleteSeconds.toFixed(3)} s`,
  ];
  for (const each of framed) {
    lines.push(
      `(b0) ${each.format.padEnd(4)} the export's own path into a null sink (no store): ` +
        `${each.seconds.toFixed(3)} s = ${(each.seconds / copy).toFixed(2)}x COPY TO, ${mb(each.bytes)}`,
    );
  }
  for (const each of exports) {
    const factor = each.seconds / copy;
    const goal = each.format === 'csv' ? 3 : 5;
    const rssOk = each.peakRss < 256 * 1024 * 1024;
    const { machine } = each.cpu;
    const worker = each.cpu.worker ?? 0;
    // Without a store process here (external store), its share cannot be told apart.
    const store = each.cpu.store;
    const withoutStore = machine - (store ?? 0);
    // PostgreSQL (with its short-lived parallel workers), the bench's polling, anything else.
    const rest = withoutStore - worker;
    const name = each.store;
    // An external store running on this machine lands in "PostgreSQL and rest".
    lines.push(
      `(b) ${each.format.padEnd(4)} ${each.form === 'built' ? '' : '[worker from source] '}${each.seconds.toFixed(3)} s = ${factor.toFixed(2)}x COPY TO ` +
        `[goal <= ${goal}x: ${factor <= goal ? 'met' : 'MISSED'}], ${mb(each.bytes)}, ` +
        `peak RSS ${mb(each.peakRss)} [goal < 256 MB: ${rssOk ? 'met' : 'MISSED'}] (${mb(each.idleRss)} at start)`,
      `         storing ${mb(each.bytes)} in ${name} alone takes ${each.storeSeconds.toFixed(3)} s = ` +
        `${(each.storeSeconds / copy).toFixed(2)}x COPY TO, ${name} CPU ${cpuText(each.storeCpu.store)} ` +
        `(machine ${each.storeCpu.machine.toFixed(2)} s)`,
      `         CPU: export worker ${worker.toFixed(2)} s, PostgreSQL and rest ${rest.toFixed(2)} s, ` +
        `${name} ${cpuText(store)} (machine ${machine.toFixed(2)} s); ` +
        `${store === undefined ? 'all but an external store' : 'without the store'}: ` +
        `${withoutStore.toFixed(2)} s = ${(withoutStore / baseline.cpuSeconds).toFixed(2)}x ` +
        `the COPY TO baseline's ${baseline.cpuSeconds.toFixed(2)} s CPU`,
    );
  }
  console.log(lines.join('\n'));
}

/** The figures of `report`, with its goals, as the one line a script reads (verdict.ts). */
function verdict(
  claim: ClaimBaseline,
  baseline: CopyBaseline,
  run: ReservationRun,
  exports: readonly ExportRun[],
): Verdict {
  const figures: Record<string, number> = {
    claim_baseline_codes_per_s: claim.rate,
    claim_codes_per_s: run.rate,
    p95_claim_seconds: run.p95Claim,
    p95_complete_seconds: run.p95Complete,
    copy_to_seconds: baseline.seconds,
  };
  const ratios: Record<string, number> = { claim: run.rate / claim.rate };
  const goals: Record<string, Goal> = { claim: { of: 'claim', is: '>=', limit: 0.5 } };
  for (const each of exports.filter((e) => e.form === 'built')) {
    figures[`${each.format}_seconds`] = each.seconds;
    figures[`${each.format}_worker_peak_rss_mb`] = each.peakRss / 2 ** 20;
    ratios[`${each.format}_vs_copy_to`] = each.seconds / baseline.seconds;
    goals[each.format] = {
      of: `${each.format}_vs_copy_to`,
      is: '<=',
      limit: each.format === 'csv' ? 3 : 5,
    };
    goals[`${each.format}_rss`] = {
      of: `${each.format}_worker_peak_rss_mb`,
      is: '<=',
      limit: 256,
    };
  }
  return judge('reserve', figures, ratios, goals);
}

function api(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  return callApi(base, ADMIN_TOKEN, method, path, body);
}

async function obliterateQueues(prefix: string): Promise<void> {
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { connection: redisConnectionOptions(REDIS_URL), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

function cpuText(seconds: number | undefined): string {
  return seconds === undefined
    ? 'not measured (not a process of this bench)'
    : `${seconds.toFixed(2)} s`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function log(message: string): void {
  console.log(`[bench:reserve] ${message}`);
}

main().then(printVerdict, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
