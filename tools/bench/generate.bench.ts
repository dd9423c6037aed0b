/**
 * `npm run bench:generate`: a 1,000,000-code SGTIN job against PostgreSQL's own COPY speed.
 *
 * On one fresh database (dropped at the end):
 *   (a) baseline: one client COPYs 1,000,000 random 8-character codes, with every column the
 *       generator writes (account, type, product, identifier_job, user_created, code,
 *       digital_link, epc_join_key), into a table created `(LIKE unique_code INCLUDING ALL)`:
 *       the same indexes and checks, no foreign keys;
 *   (b) a 1,000,000-code SGTIN job run by a real generator-worker process, timed from submission
 *       to `complete`, submitted through the HTTP API (a real api-gateway process:
 *       POST /items/product, POST /items/identifier_job, polling GET /items/identifier_job/<id>).
 *       With BENCH_VIA_API=0 the row is inserted and the BullMQ job enqueued exactly as the
 *       gateway does, without a gateway;
 *   (c) for the record: the same COPY as (a) into `unique_code` itself, whose four foreign keys
 *       (account, product, identifier_job, user_created) are checked row by row; rolled back.
 *
 * Then, through the HTTP API and right after `complete` with no manual step: the lookup of one code
 * by `filter[code][_eq]`, alone and at 32 connections (see lookup-after-job.ts).
 *
 * Prints both times, their ratio, codes per second and the worker's peak RSS (VmHWM).
 * Knobs: BENCH_QUANTITY (default 1,000,000), BENCH_CHUNK_SIZE (the worker's
 * GENERATOR_CHUNK_SIZE; default: the config's), BENCH_VIA_API=0, BENCH_SKIP_REFERENCE=1 (no (c)).
 * Needs PostgreSQL (TEST_POSTGRES_URL) and Redis (REDIS_URL), as the integration tests do.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CHARACTER_SETS, RandomCodeGenerator } from '@sid/identifiers';
import { runMigrations } from '@sid/shared/database';
import { JobName, QueueName, redisConnectionOptions } from '@sid/shared/queue';
import {
  clearRedisPrefix,
  createTestDatabase,
  enqueueAsJobQueue,
  TestDatabase,
} from '@sid/shared/testing';
import {
  AppProcess,
  callApi,
  freePort,
  intEnv,
  peakRss,
  sleep,
  startApp,
  tail,
  waitForHttp,
  withCheckDigit,
} from './bench-processes';
import { LookupFigures, measureLookups } from './lookup-after-job';
import { Goal, judge, printVerdict, Verdict } from './verdict';

const QUANTITY = intEnv('BENCH_QUANTITY', 1_000_000);
const CHUNK_SIZE = process.env.BENCH_CHUNK_SIZE;
const VIA_API = process.env.BENCH_VIA_API !== '0';
const SKIP_REFERENCE = process.env.BENCH_SKIP_REFERENCE === '1';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LINK_HOST = 'id.example.com';
const GTIN = '09506000134352';
const OTHER_GTIN = withCheckDigit('0950600013436');
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
/** Rows per write to the COPY stream, as the generator's repository does. */
const ROWS_PER_WRITE = 5_000;

/** Issue 15: a job through the API within 1.2x of the raw COPY (it was 1.5x before). */
const RATIO_GOAL = 1.2;

const COPY_COLUMNS =
  'account, type, product, identifier_job, user_created, code, digital_link, epc_join_key';

interface Owner {
  account: string;
  user: string;
  product: string;
}

interface Context {
  dir: string;
  database: TestDatabase;
  pg: Client;
  prefix: string;
  env: Record<string, string>;
  apps: AppProcess[];
  queue?: Queue;
}

async function main(): Promise<Verdict> {
  const dir = await mkdtemp(join(tmpdir(), 'sid-bench-generate-'));
  const database = await createTestDatabase('bench_generate');
  const prefix = `bench-${randomBytes(6).toString('hex')}`;
  const pg = new Client({ connectionString: database.url });
  const ctx: Context = {
    dir,
    database,
    pg,
    prefix,
    apps: [],
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LINK_DOMAIN: LINK_HOST,
      LOG_LEVEL: 'warn',
    },
  };
  const interrupted = () => {
    void cleanUp(ctx).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await runMigrations(database.url);
    await pg.connect();
    log(`database ${database.name}, queue prefix ${prefix}, logs in ${dir}`);
    log(
      `${QUANTITY.toLocaleString('en')} codes, submitted ${VIA_API ? 'through the HTTP API' : 'by direct enqueue'}`,
    );

    const submit = VIA_API ? await startGateway(ctx) : await directSubmitter(ctx);
    const owner = await submit.owner();

    log('(a) raw COPY baseline...');
    const baselineMs = await rawCopy(pg, 'bench_raw_copy', owner, randomUUID(), async () => {
      await pg.query(`CREATE TABLE bench_raw_copy (LIKE unique_code INCLUDING ALL)`);
    });
    await pg.query('DROP TABLE bench_raw_copy');

    log('(b) generator job...');
    const worker = await startWorker(ctx);
    const idleRss = await currentRss(worker.pid);
    await pg.query('CHECKPOINT');
    const started = performance.now();
    const id = await submit.job();
    let last = { status: 'new', quantity_created: 0 };
    for (;;) {
      last = await pollOnce(submit, id, last);
      if (last.status === 'complete' || last.status === 'error') break;
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
        throw new Error(`generator-worker died:\n${await tail(worker.log)}`);
      }
      await sleep(50);
    }
    const jobMs = performance.now() - started;
    const peak = await peakRss(worker.pid);
    if (last.status !== 'complete')
      throw new Error(`job ended ${last.status}:\n${await tail(worker.log)}`);
    const { rows } = await pg.query(
      `SELECT count(*)::int AS codes, count(DISTINCT code)::int AS distinct_codes FROM unique_code WHERE identifier_job = $1`,
      [id],
    );
    if (rows[0].codes !== QUANTITY || rows[0].distinct_codes !== QUANTITY) {
      throw new Error(
        `job wrote ${rows[0].codes} codes (${rows[0].distinct_codes} distinct), not ${QUANTITY}`,
      );
    }

    let lookups: LookupFigures | undefined;
    if (submit.lookups) {
      log('lookups by code, right after the job...');
      const sample = await pg.query(
        `SELECT code FROM unique_code TABLESAMPLE SYSTEM (1) WHERE identifier_job = $1 LIMIT 1000`,
        [id],
      );
      lookups = await submit.lookups(sample.rows.map((row) => row.code as string));
    }

    let fkMs = NaN;
    if (!SKIP_REFERENCE) {
      log('(c) COPY into unique_code itself, foreign keys checked (rolled back)...');
      fkMs = await copyIntoUniqueCode(pg, owner);
    }

    const rate = (ms: number) =>
      `${Math.round(QUANTITY / (ms / 1000)).toLocaleString('en')} codes/s`;
    const ratio = jobMs / baselineMs;
    const summary: [string, string][] = [
      ['codes', QUANTITY.toLocaleString('en')],
      ['worker GENERATOR_CHUNK_SIZE', CHUNK_SIZE ?? 'default (config)'],
      ['(a) raw COPY baseline', `${seconds(baselineMs)}  ${rate(baselineMs)}`],
      [
        `(b) job, submit -> complete (${VIA_API ? 'HTTP API' : 'enqueue'})`,
        `${seconds(jobMs)}  ${rate(jobMs)}`,
      ],
      ['ratio (b) / (a)', `${ratio.toFixed(2)}x  (goal: at most ${RATIO_GOAL.toFixed(2)}x)`],
      ['worker RSS when idle, before the job', mb(idleRss)],
      ['worker peak RSS (VmHWM)', `${mb(peak)}  (limit: 256 MB)`],
    ];
    if (!SKIP_REFERENCE) {
      summary.push([
        '(c) COPY into unique_code, FKs checked',
        `${seconds(fkMs)}  ${rate(fkMs)}  (reference)`,
      ]);
    }
    if (lookups) {
      summary.push(
        [
          'lookup by code alone, median / p95',
          `${lookups.aloneMedianMs.toFixed(1)} ms / ${lookups.aloneP95Ms.toFixed(1)} ms  (goal: under 20 ms)`,
        ],
        [
          'lookup by code, 32 connections',
          `${Math.round(lookups.concurrentRps)} req/s, p99 ${lookups.concurrentP99Ms} ms, ${lookups.failed} failed`,
        ],
      );
    }
    console.log('');
    for (const [label, value] of summary) console.log(`  ${label.padEnd(44)}${value}`);
    console.log('');
    const figures: Record<string, number> = {
      codes: QUANTITY,
      baseline_seconds: baselineMs / 1000,
      job_seconds: jobMs / 1000,
      worker_idle_rss_mb: idleRss / 2 ** 20,
      worker_peak_rss_mb: peak / 2 ** 20,
    };
    if (!SKIP_REFERENCE) figures.copy_with_foreign_keys_seconds = fkMs / 1000;
    const goals: Record<string, Goal> = {
      job: { of: 'job_vs_baseline', is: '<=', limit: RATIO_GOAL },
      worker_rss: { of: 'worker_peak_rss_mb', is: '<=', limit: 256 },
    };
    if (lookups) {
      figures.lookup_alone_median_ms = lookups.aloneMedianMs;
      figures.lookup_alone_p95_ms = lookups.aloneP95Ms;
      figures.lookup_32_connections_rps = lookups.concurrentRps;
      figures.lookup_failed = lookups.failed;
      // Right after the job, with no manual step: one scanned code answers in under 20 ms.
      goals.lookup_alone = { of: 'lookup_alone_median_ms', is: '<=', limit: 20 };
    }
    return judge('generate', figures, { job_vs_baseline: ratio }, goals);
  } finally {
    await cleanUp(ctx);
  }
}

/**
 * One poll; a network error (a reset keep-alive socket on a loaded machine) is logged and the last
 * answer kept, so that a transient error does not end a run of many minutes. Three in a row end it.
 */
let pollFailures = 0;
async function pollOnce(
  submit: Submitter,
  id: string,
  last: { status: string; quantity_created: number },
): Promise<{ status: string; quantity_created: number }> {
  try {
    const answer = await submit.poll(id);
    pollFailures = 0;
    return answer;
  } catch (error) {
    if (++pollFailures >= 3) throw error;
    log(`poll failed (${String(error)}); trying again`);
    return last;
  }
}

interface Submitter {
  owner(): Promise<Owner>;
  job(): Promise<string>;
  poll(id: string): Promise<{ status: string; quantity_created: number }>;
  /** Through the API only: looks these codes up (see lookup-after-job.ts). */
  lookups?(codes: string[]): Promise<LookupFigures>;
}

/** Inserts the row and enqueues the BullMQ job exactly as `IdentifierJobWriter` / `JobQueue.add` do. */
async function directSubmitter(ctx: Context): Promise<Submitter> {
  const { pg } = ctx;
  const [{ id: account }] = (
    await pg.query(`INSERT INTO account (name) VALUES ('Bench') RETURNING id`)
  ).rows;
  const [{ id: user }] = (
    await pg.query(
      `INSERT INTO app_user (account, email, role) VALUES ($1, $2, 'admin') RETURNING id`,
      [account, ADMIN_EMAIL],
    )
  ).rows;
  await pg.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, $2, true)`, [
    account,
    LINK_HOST,
  ]);
  await pg.query(`INSERT INTO product (id, gtin, account, user_created) VALUES ($1, $2, $3, $4)`, [
    `/01/${GTIN}`,
    GTIN,
    account,
    user,
  ]);
  const queue = new Queue(QueueName.IdentifierGeneration, {
    connection: redisConnectionOptions(REDIS_URL),
    prefix: ctx.prefix,
  });
  ctx.queue = queue;
  const owner: Owner = { account, user, product: `/01/${GTIN}` };
  return {
    owner: async () => owner,
    job: async () => {
      const { rows } = await pg.query(
        `INSERT INTO identifier_job (account, product, quantity, type, length, character_set, user_created)
         VALUES ($1, $2, $3, 'sgtin', 8, 'alphanumeric', $4) RETURNING id`,
        [account, owner.product, QUANTITY, user],
      );
      await enqueueAsJobQueue(queue, JobName.GenerateIdentifiers, { identifierJobId: rows[0].id });
      return rows[0].id;
    },
    poll: async (id) => {
      const { rows } = await pg.query(
        `SELECT status, quantity_created FROM identifier_job WHERE id = $1`,
        [id],
      );
      return rows[0];
    },
  };
}

/** A real api-gateway process; the product and the job go through its HTTP API. */
async function startGateway(ctx: Context): Promise<Submitter> {
  const port = await freePort();
  // NODE_ENV=production turns the per-address rate limiter on; the lookups below come from one
  // address at 32 connections and measure the read, not the limiter (a scanner fleet has many
  // addresses).
  const gateway = startApp(
    'api-gateway',
    'api-gateway',
    { ...ctx.env, PORT: String(port), ADMIN_EMAIL, ADMIN_TOKEN, RATE_LIMITER_ENABLED: 'false' },
    ctx.dir,
  );
  ctx.apps.push(gateway);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/server/ping`, gateway);
  const call = async (method: string, path: string, body?: unknown) =>
    (await callApi(base, ADMIN_TOKEN, method, path, body)) as { data: Record<string, unknown> };
  await call('POST', '/items/product', { gtin: GTIN });
  return {
    owner: async () => {
      const { rows } = await ctx.pg.query(`SELECT id, account FROM app_user WHERE email = $1`, [
        ADMIN_EMAIL,
      ]);
      return { account: rows[0].account, user: rows[0].id, product: `/01/${GTIN}` };
    },
    job: async () => {
      const { data } = await call('POST', '/items/identifier_job', {
        product: `/01/${GTIN}`,
        quantity: QUANTITY,
      });
      return String(data.id);
    },
    poll: async (id) => {
      const { data } = await call(
        'GET',
        `/items/identifier_job/${id}?fields=status,quantity_created`,
      );
      return { status: String(data.status), quantity_created: Number(data.quantity_created) };
    },
    lookups: (codes) => measureLookups(base, ADMIN_TOKEN, codes),
  };
}

/** One generator-worker process; ready once its /health answers (the app is initialised by then). */
async function startWorker(ctx: Context): Promise<AppProcess> {
  const healthPort = await freePort();
  const worker = startApp(
    'generator-worker',
    'generator-worker',
    {
      ...ctx.env,
      HEALTH_PORT: String(healthPort),
      ...(CHUNK_SIZE ? { GENERATOR_CHUNK_SIZE: CHUNK_SIZE } : {}),
    },
    ctx.dir,
  );
  ctx.apps.push(worker);
  await waitForHttp(`http://127.0.0.1:${healthPort}/health`, worker);
  return worker;
}

/**
 * COPYs QUANTITY random 8-character codes, generated as they are written, in one statement from
 * one client; returns the time taken (after `prepare`, which is not timed).
 */
async function rawCopy(
  pg: Client,
  table: string,
  owner: Owner,
  identifierJob: string,
  prepare: () => Promise<void>,
): Promise<number> {
  await prepare();
  await pg.query('CHECKPOINT');
  const generator = new RandomCodeGenerator(CHARACTER_SETS.alphanumeric, 8);
  const prefix = `${owner.account}\tsgtin\t${owner.product}\t${identifierJob}\t${owner.user}`;
  const gtin = owner.product.slice(4);
  const started = performance.now();
  const stream = pg.query(copyFrom(`COPY ${table} (${COPY_COLUMNS}) FROM STDIN`));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (let done = 0; done < QUANTITY; done += ROWS_PER_WRITE) {
    let text = '';
    for (const code of generator.batch(Math.min(ROWS_PER_WRITE, QUANTITY - done))) {
      text += `${prefix}\t${code}\thttps://${LINK_HOST}/01/${gtin}/21/${code}\t${gtin}-${code}\n`;
    }
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), finished]);
  }
  stream.end();
  await finished;
  return performance.now() - started;
}

/** (c): the baseline's COPY into `unique_code` itself (another product), inside a rolled-back transaction. */
async function copyIntoUniqueCode(pg: Client, owner: Owner): Promise<number> {
  await pg.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    `/01/${OTHER_GTIN}`,
    OTHER_GTIN,
    owner.account,
  ]);
  await pg.query('BEGIN');
  try {
    const { rows } = await pg.query(
      `INSERT INTO identifier_job (account, product, quantity, status, user_created) VALUES ($1, $2, $3, 'complete', $4) RETURNING id`,
      [owner.account, `/01/${OTHER_GTIN}`, QUANTITY, owner.user],
    );
    return await rawCopy(
      pg,
      'unique_code',
      { ...owner, product: `/01/${OTHER_GTIN}` },
      rows[0].id,
      async () => undefined,
    );
  } finally {
    await pg.query('ROLLBACK');
  }
}

async function cleanUp(ctx: Context): Promise<void> {
  await Promise.all(ctx.apps.map((app) => app.stop().catch(() => undefined)));
  ctx.apps = [];
  await ctx.queue?.close().catch(() => undefined);
  ctx.queue = undefined;
  await clearRedisPrefix(ctx.prefix, REDIS_URL).catch((error: unknown) =>
    log(`could not clean Redis keys ${ctx.prefix}:*: ${String(error)}`),
  );
  await ctx.pg.end().catch(() => undefined);
  await ctx.database
    .drop()
    .catch((error: unknown) => log(`could not drop ${ctx.database.name}: ${String(error)}`));
  await rm(ctx.dir, { recursive: true, force: true }).catch(() => undefined);
}

/** Resident set size of a live process now, in bytes (VmRSS). */
async function currentRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`.padEnd(9);
}

function log(message: string): void {
  console.log(`[bench:generate] ${message}`);
}

main().then(printVerdict, (error: unknown) => {
  console.error(error);
  process.exit(1);
});
