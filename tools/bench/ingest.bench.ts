/**
 * `npm run bench:ingest`: a customer's 1,000,000-line code file against PostgreSQL's own COPY.
 *
 * On one fresh database (dropped at the end), with a local s3rver:
 *   (a) baseline: one client COPYs 1,000,000 8-character ids, with every column an uploaded code
 *       is written with (account, type, status, workorder, code, product, digital_link,
 *       scm_data), into a table created `(LIKE unique_code INCLUDING ALL)`: the same indexes and
 *       checks, no foreign keys;
 *   (b) the same ids as a 1,000,000-line CSV (id, product, two SCM columns) taken in through the
 *       API as a Scantrust client does, timed from get-post-data (then the presigned POST to S3 and
 *       process) to the record `completed`, and on to the workorder's zip ready. Real api-gateway,
 *       generator-worker and export-worker processes.
 *
 * The apps run compiled, as deployed (bench-build.ts), not through `@swc-node/register`, whose
 * TypeScript compiler alone holds tens of megabytes of every process it runs in.
 *
 * Prints the times, the ratio (b) / (a), the generator-worker's RSS once started and its peak
 * (VmHWM) after the file, then the verdict line (tools/bench/verdict.ts): zip ready within 2x of
 * (a), generator-worker peak RSS under 256 MB. Knobs: BENCH_QUANTITY (default 1,000,000);
 * BENCH_WORKER_NODE_OPTIONS, NODE_OPTIONS for the generator-worker only (to try heap limits such
 * as `--max-old-space-size=96`). Needs PostgreSQL (TEST_POSTGRES_URL) and Redis (REDIS_URL), as
 * the integration tests do.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CHARACTER_SETS, RandomCodeGenerator } from '@sid/identifiers';
import { runMigrations } from '@sid/shared/database';
import {
  clearRedisPrefix,
  createTestDatabase,
  LocalS3,
  startLocalS3,
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
} from './bench-processes';
import { BenchBuild, buildApps } from './bench-build';
import { judge, printVerdict, Verdict } from './verdict';

const QUANTITY = intEnv('BENCH_QUANTITY', 1_000_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LINK_HOST = 'id.example.com';
const GTIN = '09506000134352';
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const ROWS_PER_WRITE = 2_000;
const RATIO_GOAL = 2;
const RSS_LIMIT_MB = 256;
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? '';

interface Context {
  dir: string;
  database: TestDatabase;
  pg: Client;
  prefix: string;
  s3?: LocalS3;
  build?: BenchBuild;
  apps: AppProcess[];
}

async function main(): Promise<Verdict> {
  const dir = await mkdtemp(join(tmpdir(), 'sid-bench-ingest-'));
  const database = await createTestDatabase('bench_ingest');
  const ctx: Context = {
    dir,
    database,
    pg: new Client({ connectionString: database.url }),
    prefix: `bench-${randomBytes(6).toString('hex')}`,
    apps: [],
  };
  const interrupted = () => {
    void cleanUp(ctx).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    ctx.build = await buildApps(`bench-ingest-${randomBytes(4).toString('hex')}`);
    await runMigrations(database.url);
    await ctx.pg.connect();
    ctx.s3 = await startLocalS3({ port: 0, directory: join(dir, 's3') });
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: ctx.prefix,
      LINK_DOMAIN: LINK_HOST,
      LOG_LEVEL: 'warn',
      S3_ENDPOINT: ctx.s3.endpoint,
      S3_BUCKET: 'bench-ingest',
    };
    log(`database ${database.name}, queue prefix ${ctx.prefix}, logs in ${dir}`);
    const ids = uniqueIds(QUANTITY);
    log(`${QUANTITY.toLocaleString('en')} ids`);

    log('(a) raw COPY baseline...');
    const [{ id: account }] = (
      await ctx.pg.query(`INSERT INTO account (name) VALUES ('Baseline') RETURNING id`)
    ).rows;
    await ctx.pg.query(`CREATE TABLE bench_raw_copy (LIKE unique_code INCLUDING ALL)`);
    await ctx.pg.query('CHECKPOINT');
    const baselineMs = await rawCopy(ctx.pg, account, ids);
    await ctx.pg.query('DROP TABLE bench_raw_copy');

    log('starting the gateway and the workers...');
    const port = await freePort();
    const gateway = startApp(
      'api-gateway',
      'api-gateway',
      { ...env, PORT: String(port), ADMIN_EMAIL, ADMIN_TOKEN },
      dir,
      { build: ctx.build.dir },
    );
    ctx.apps.push(gateway);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/server/ping`, gateway);
    const generator = await startWorker(ctx, 'generator-worker', {
      ...env,
      ...(WORKER_NODE_OPTIONS ? { NODE_OPTIONS: WORKER_NODE_OPTIONS } : {}),
    });
    const exporter = await startWorker(ctx, 'export-worker', env);
    await callApi(base, ADMIN_TOKEN, 'POST', '/items/product', { gtin: GTIN, custom_id: 'sku1' });
    const generatorStarted = await peakRss(generator.pid);

    const csv = codeFile(ids);
    log(`(b) ${(csv.length / 2 ** 20).toFixed(1)} MB CSV through the upload API...`);
    await ctx.pg.query('CHECKPOINT');
    const started = performance.now();
    const { post_data, record_key } = (await uat(
      base,
      'POST',
      '/api/v2/ingestion/codes/upload/get-post-data/',
      {
        filetype: 'csv',
      },
    )) as { post_data: { url: string; fields: Record<string, string> }; record_key: string };
    const form = new FormData();
    for (const [name, value] of Object.entries(post_data.fields)) form.append(name, value);
    form.append('file', new Blob([csv]), 'codes.csv');
    const posted = await fetch(post_data.url, { method: 'POST', body: form });
    if (posted.status !== 201) throw new Error(`S3 POST: ${posted.status} ${await posted.text()}`);
    const uploadedMs = performance.now() - started;
    await uat(base, 'POST', '/api/v2/ingestion/codes/upload/process/', { record: record_key });
    let record: { status: string; result_data: { workorder_id?: number } };
    for (;;) {
      record = (await uat(base, 'GET', `/api/v2/ingestion/${record_key}/`)) as typeof record;
      if (record.status === 'completed' || record.status === 'error') break;
      alive(generator);
      await sleep(50);
    }
    const completedMs = performance.now() - started;
    if (record.status !== 'completed') {
      throw new Error(`record ended ${JSON.stringify(record)}:\n${await tail(generator.log)}`);
    }
    const workorder = record.result_data.workorder_id as number;
    for (;;) {
      const current = (await uat(base, 'GET', `/api/v2/workorders/${workorder}/`)) as {
        status: string;
      };
      if (current.status === 'completed') break;
      alive(exporter);
      await sleep(50);
    }
    const zipMs = performance.now() - started;
    const generatorPeak = await peakRss(generator.pid);
    const exporterPeak = await peakRss(exporter.pid);
    const { rows } = await ctx.pg.query(
      `SELECT count(*)::int AS codes FROM unique_code WHERE workorder = $1`,
      [workorder],
    );
    if (rows[0].codes !== QUANTITY)
      throw new Error(`workorder holds ${rows[0].codes} codes, not ${QUANTITY}`);

    const summary: [string, string][] = [
      ['codes', QUANTITY.toLocaleString('en')],
      ['(a) raw COPY baseline', seconds(baselineMs)],
      ['(b) get-post-data -> completed', seconds(completedMs)],
      ['    of which get-post-data and the S3 POST', seconds(uploadedMs)],
      ['(b) get-post-data -> workorder zip ready', seconds(zipMs)],
      ['ratio completed / (a)', `${(completedMs / baselineMs).toFixed(2)}x`],
      ['ratio zip ready / (a)', `${(zipMs / baselineMs).toFixed(2)}x  (goal: at most 2x)`],
      ['generator-worker RSS once started (VmHWM)', mb(generatorStarted)],
      ['generator-worker peak RSS (VmHWM)', `${mb(generatorPeak)}  (limit: ${RSS_LIMIT_MB} MB)`],
      ['export-worker peak RSS (VmHWM)', mb(exporterPeak)],
    ];
    if (WORKER_NODE_OPTIONS) summary.push(['generator-worker NODE_OPTIONS', WORKER_NODE_OPTIONS]);
    console.log('');
    for (const [label, value] of summary) console.log(`  ${label.padEnd(44)}${value}`);
    console.log('');
    return judge(
      'ingest',
      {
        codes: QUANTITY,
        baseline_seconds: baselineMs / 1000,
        completed_seconds: completedMs / 1000,
        upload_seconds: uploadedMs / 1000,
        zip_ready_seconds: zipMs / 1000,
        generator_started_rss_mb: generatorStarted / 2 ** 20,
        generator_peak_rss_mb: generatorPeak / 2 ** 20,
        exporter_peak_rss_mb: exporterPeak / 2 ** 20,
      },
      { completed: completedMs / baselineMs, zip_ready: zipMs / baselineMs },
      {
        zip_ready: { of: 'zip_ready', is: '<=', limit: RATIO_GOAL },
        generator_rss: { of: 'generator_peak_rss_mb', is: '<=', limit: RSS_LIMIT_MB },
      },
    );
  } finally {
    await cleanUp(ctx);
  }

  async function uat(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
    // A connection reset before any answer (a busy machine, a keep-alive socket closed under the
    // request) is tried again: the gateway did not take the request.
    let response: Response | undefined;
    for (let attempt = 1; !response; attempt++) {
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `UAT ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code !== 'ECONNRESET' || attempt >= 5) throw error;
        await sleep(200);
      }
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  }
}

/** `count` distinct random 8-character ids (alphanumeric, as the id rule allows). */
function uniqueIds(count: number): string[] {
  const generator = new RandomCodeGenerator(CHARACTER_SETS.alphanumeric, 8);
  const ids = new Set<string>();
  while (ids.size < count) {
    for (const id of generator.batch(Math.min(10_000, count - ids.size))) ids.add(id);
  }
  return [...ids];
}

function codeFile(ids: string[]): Buffer {
  const parts: string[] = ['id,product,pallet_number,intended_market\n'];
  for (let i = 0; i < ids.length; i++) parts.push(`${ids[i]},sku1,pal${i % 1000},BE\n`);
  return Buffer.from(parts.join(''));
}

/** (a): the ids with the columns the ingestion writes, one COPY from one client. */
async function rawCopy(pg: Client, account: string, ids: string[]): Promise<number> {
  const started = performance.now();
  const stream = pg.query(
    copyFrom(
      `COPY bench_raw_copy (account, type, status, workorder, code, product, digital_link, scm_data) FROM STDIN`,
    ),
  );
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (let done = 0; done < ids.length; done += ROWS_PER_WRITE) {
    let text = '';
    for (let i = done; i < Math.min(done + ROWS_PER_WRITE, ids.length); i++) {
      const id = ids[i];
      text += `${account}\tcustom\tassigned\t1\t${id}\t/01/${GTIN}\thttps://${LINK_HOST}/${id}\t{"pallet_number": "pal${i % 1000}", "intended_market": "BE"}\n`;
    }
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), finished]);
  }
  stream.end();
  await finished;
  return performance.now() - started;
}

async function startWorker(
  ctx: Context,
  app: string,
  env: Record<string, string>,
): Promise<AppProcess> {
  const healthPort = await freePort();
  const worker = startApp(app, app, { ...env, HEALTH_PORT: String(healthPort) }, ctx.dir, {
    build: ctx.build?.dir,
  });
  ctx.apps.push(worker);
  await waitForHttp(`http://127.0.0.1:${healthPort}/health`, worker);
  return worker;
}

function alive(app: AppProcess): void {
  if (app.child.exitCode !== null || app.child.signalCode !== null) {
    throw new Error(`${app.name} died (see ${app.log})`);
  }
}

async function cleanUp(ctx: Context): Promise<void> {
  await Promise.all(ctx.apps.map((app) => app.stop().catch(() => undefined)));
  ctx.apps = [];
  await ctx.s3?.stop().catch(() => undefined);
  await clearRedisPrefix(ctx.prefix, REDIS_URL).catch((error: unknown) =>
    log(`could not clean Redis keys ${ctx.prefix}:*: ${String(error)}`),
  );
  await ctx.pg.end().catch(() => undefined);
  await ctx.database
    .drop()
    .catch((error: unknown) => log(`could not drop ${ctx.database.name}: ${String(error)}`));
  await rm(ctx.dir, { recursive: true, force: true }).catch(() => undefined);
  await ctx.build?.remove().catch(() => undefined);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function log(message: string): void {
  console.log(`[bench:ingest] ${message}`);
}

main().then(printVerdict, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
