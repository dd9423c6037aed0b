/**
 * `npm run bench:read`: the gateway's reads at 32 connections, against ten times Directus.
 *
 * On one fresh database (dropped at the end), 1,000,000 codes are made through the API by a
 * partner (a user the admin creates, whose token also sends every read, so the figures include
 * its tenant scope and row-level security): a product and a 1,000,000-code identifier job POSTed
 * to a real api-gateway, written by a real
 * generator-worker; then `VACUUM ANALYZE` (what autovacuum would do after such a write). Both apps
 * run compiled, as the Docker images run them. Then autocannon, in this process, sends
 * BENCH_READ_SECONDS seconds (default 10, after a 2 s warm-up) of each of the four shapes a
 * partner measured against Directus 12 on the same schema and a million codes:
 *
 *   list      GET /items/unique_code?limit=100
 *   lookup    GET /items/unique_code?filter[code][_eq]=<code>&limit=1 (rotating over 1,000 codes)
 *   relation  GET /items/unique_code?limit=100&fields=code,status,identifier_job.reference_id
 *   count     GET /items/unique_code?filter[status][_eq]=unassigned&meta=filter_count&limit=100
 *             (every one of the million codes matches)
 *
 * and prints req/s, p50 and p99 latency for each, and the CPU milliseconds per request of the
 * gateway (with its cluster workers), PostgreSQL (the postmaster's whole process tree) and the
 * load generator (this process), once per gateway setting of
 * BENCH_READ_GATEWAY_WORKERS (default `1,2`: one process, then cluster mode with two; figures
 * named `w<workers>_<shape>_...`). Goals, judged on the setting production runs (one process
 * per container, scaled by replicas: PRODUCTION_GATEWAY_WORKERS; the last setting if it was not
 * measured): at least ten times Directus's req/s (list 240, lookup 300, relation 250, count 10)
 * and, for the first three, p99 under 100 ms. autocannon shares the machine's cores with the
 * gateway and PostgreSQL: `<shape>_rps_ceiling_without_gateway` is what those cores would serve if
 * the gateway cost no CPU at all, PostgreSQL's and the load generator's share per request alone.
 *
 * Knobs: BENCH_READ_CODES (default 1,000,000), BENCH_READ_SECONDS, BENCH_READ_CONNECTIONS (32).
 * Needs PostgreSQL (TEST_POSTGRES_URL) and Redis (REDIS_URL). Ends with its verdict line.
 */
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { QueueName, redisConnectionOptions } from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { BenchBuild, buildApps } from './bench-build';
import {
  AppProcess,
  callApi,
  freePort,
  intEnv,
  postmasterPid,
  processTreesCpuSeconds,
  sleep,
  startApp,
  tail,
  waitForHttp,
} from './bench-processes';
import { Goal, judge, printVerdict, Verdict } from './verdict';

// autocannon ships no types: the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: CannonOptions) => Promise<CannonResult>;

interface CannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: CannonRequest[];
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const CODES = intEnv('BENCH_READ_CODES', 1_000_000);
const SECONDS = intEnv('BENCH_READ_SECONDS', 10);
const CONNECTIONS = intEnv('BENCH_READ_CONNECTIONS', 32);
/** The GATEWAY_WORKERS settings measured, in turn. */
const GATEWAY_WORKERS = (process.env.BENCH_READ_GATEWAY_WORKERS ?? '1,2').split(',').map(Number);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const GTIN = '09506000134352';
/** What the Docker Compose and Kubernetes manifests run per container (README "Performance"). */
const PRODUCTION_GATEWAY_WORKERS = 1;

/** req/s of Directus 12 on the same schema and data, as a partner measured it. */
const DIRECTUS = { list: 240, lookup: 300, relation: 250, count: 10 } as const;
type Shape = keyof typeof DIRECTUS;
const P99_LIMIT_MS = 100;

async function main(): Promise<Verdict> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dir = await mkdtemp(join(tmpdir(), 'sid-bench-read-'));
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const processes: AppProcess[] = [];
  let database: TestDatabase | undefined;
  let build: BenchBuild | undefined;
  let pg: Client | undefined;
  const cleanUp = async (): Promise<void> => {
    for (const each of processes.reverse()) await each.stop().catch(() => undefined);
    await pg?.end().catch(() => undefined);
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
    build = await buildApps(`bench-read-${randomBytes(4).toString('hex')}`);
    database = await createTestDatabase('bench_read');
    await runMigrations(database.url);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LINK_DOMAIN: 'id.example.com',
      LOG_LEVEL: 'warn',
    };
    const start = async (workers: number) => {
      const port = await freePort();
      const app = startApp(
        'api-gateway',
        `api-gateway-${workers}`,
        { ...env, PORT: String(port), ADMIN_EMAIL, ADMIN_TOKEN, GATEWAY_WORKERS: String(workers) },
        dir,
        { build: build?.dir },
      );
      processes.push(app);
      const url = `http://127.0.0.1:${port}`;
      // A loaded machine can take a while to start several processes.
      await waitForHttp(`${url}/server/ping`, app, 300_000);
      return { app, url };
    };
    const { app: gateway, url: base } = await start(1);
    log(`database ${database.name}, gateway ${base}, ${CODES} codes`);

    // A partner's reads, as Directus was measured: the tenant scope and row-level security apply.
    const partner = (await callApi(base, ADMIN_TOKEN, 'POST', '/users', {
      email: 'partner@bench.example',
      account_name: 'Bench partner',
    })) as { data: { token: string } };
    const token = partner.data.token;
    const started = performance.now();
    const worker = await startGenerator(env, dir, build, processes);
    await makeCodes(base, token, gateway, worker);
    log(`codes made through the API in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await worker.stop();
    await pg.query('VACUUM ANALYZE');
    const sample = (
      await pg.query<{ code: string }>(
        `SELECT code FROM unique_code TABLESAMPLE SYSTEM (1) LIMIT 1000`,
      )
    ).rows.map((r) => r.code);
    if (sample.length === 0) throw new Error('No code to look up');
    const figures: Record<string, number> = { codes: CODES, connections: CONNECTIONS };
    const ratios: Record<string, number> = {};
    let goals: Record<string, Goal> = {};
    for (const workers of GATEWAY_WORKERS) {
      const { app, url } = workers === 1 ? { app: gateway, url: base } : await start(workers);
      log(`GATEWAY_WORKERS=${workers}`);
      const measured = await measure(
        { base: url, gatewayPid: app.pid, token, sample, prefix: `w${workers}_` },
        figures,
        ratios,
      );
      if (
        workers === PRODUCTION_GATEWAY_WORKERS ||
        !GATEWAY_WORKERS.includes(PRODUCTION_GATEWAY_WORKERS)
      ) {
        goals = measured;
      }
      await app.stop();
    }
    return judge('read', figures, ratios, goals);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}

async function startGenerator(
  env: Record<string, string>,
  dir: string,
  build: BenchBuild,
  processes: AppProcess[],
): Promise<AppProcess> {
  const port = await freePort();
  const worker = startApp(
    'generator-worker',
    'generator-worker',
    { ...env, HEALTH_PORT: String(port) },
    dir,
    { build: build.dir },
  );
  processes.push(worker);
  await waitForHttp(`http://127.0.0.1:${port}/health`, worker);
  return worker;
}

/** A product and one CODES-code identifier job through the API, polled until complete. */
async function makeCodes(
  base: string,
  token: string,
  gateway: AppProcess,
  worker: AppProcess,
): Promise<void> {
  const api = (method: string, path: string, body?: unknown) =>
    callApi(base, token, method, path, body) as Promise<{ data: Record<string, unknown> }>;
  await api('POST', '/items/product', { gtin: GTIN, product_name: 'Bench' });
  const { data } = await api('POST', '/items/identifier_job', {
    product: `/01/${GTIN}`,
    quantity: CODES,
    reference_id: 'BENCH-READ',
  });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const { data: job } = await api(
      'GET',
      `/items/identifier_job/${data.id}?fields=status,quantity_created,error_message`,
    );
    if (job.status === 'complete') return;
    if (job.status === 'error') throw new Error(`identifier job failed: ${job.error_message}`);
    for (const app of [gateway, worker]) {
      if (app.child.exitCode !== null) throw new Error(`${app.name} died\n${await tail(app.log)}`);
    }
    if (Date.now() > deadline)
      throw new Error(`identifier job not complete\n${await tail(worker.log)}`);
    await sleep(500);
  }
}

interface Target {
  base: string;
  /** The gateway process (in cluster mode, the primary: its workers are counted with it). */
  gatewayPid: number;
  token: string;
  sample: readonly string[];
  /** Put before every figure's name. */
  prefix: string;
}

/** The four shapes, one after the other, into `figures` and `ratios` (names after `prefix`). */
async function measure(
  { base, gatewayPid, token, sample, prefix }: Target,
  figures: Record<string, number>,
  ratios: Record<string, number>,
): Promise<Record<string, Goal>> {
  const postgresPid = await postmasterPid();
  let next = 0;
  const shapes: Record<Shape, CannonRequest> = {
    list: { path: '/items/unique_code?limit=100' },
    lookup: {
      setupRequest: (request) => ({
        ...request,
        path: `/items/unique_code?filter[code][_eq]=${encodeURIComponent(sample[next++ % sample.length])}&limit=1`,
      }),
    },
    relation: {
      path: '/items/unique_code?limit=100&fields=code,status,identifier_job.reference_id',
    },
    count: {
      path: '/items/unique_code?filter[status][_eq]=unassigned&meta=filter_count&limit=100',
    },
  };
  const goals: Record<string, Goal> = {};
  for (const [shape, request] of Object.entries(shapes) as [Shape, CannonRequest][]) {
    await check(base, token, request);
    const cannon = (duration: number) =>
      autocannon({
        url: base,
        connections: CONNECTIONS,
        duration,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ method: 'GET', ...request }],
      });
    await cannon(2);
    const before = await cpuReading(gatewayPid, postgresPid);
    const result = await cannon(SECONDS);
    const cpu = perRequest(before, await cpuReading(gatewayPid, postgresPid), result);
    // Counted, not fatal: a shape that times out under load is a figure too (and misses its goal).
    const failed = result.non2xx + result.errors + result.timeouts;
    const name = `${prefix}${shape}`;
    figures[`${name}_rps`] = result.requests.average;
    figures[`${name}_p50_ms`] = result.latency.p50;
    figures[`${name}_p99_ms`] = result.latency.p99;
    figures[`${name}_failed`] = failed;
    figures[`${name}_gateway_cpu_ms`] = cpu.gateway;
    figures[`${name}_postgres_cpu_ms`] = cpu.postgres;
    figures[`${name}_loadgen_cpu_ms`] = cpu.loadGenerator;
    figures[`${name}_rps_ceiling_without_gateway`] = cpu.ceiling;
    ratios[`${name}_vs_directus`] = result.requests.average / DIRECTUS[shape];
    goals[`${shape}_rps`] = { of: `${name}_vs_directus`, is: '>=', limit: 10 };
    goals[`${shape}_failed`] = { of: `${name}_failed`, is: '<=', limit: 0 };
    if (shape !== 'count')
      goals[`${shape}_p99`] = { of: `${name}_p99_ms`, is: '<=', limit: P99_LIMIT_MS };
    log(
      `${shape.padEnd(8)} ${result.requests.average.toFixed(0).padStart(6)} req/s ` +
        `(${ratios[`${name}_vs_directus`].toFixed(1)}x Directus), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${failed} failed or timed out`,
    );
    log(
      `         CPU per request: gateway ${cpu.gateway.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms, ` +
        `load generator ${cpu.loadGenerator.toFixed(2)} ms: with a gateway that cost nothing, ` +
        `${availableParallelism()} cores would serve at most ${cpu.ceiling.toFixed(0)} req/s`,
    );
  }
  return goals;
}

interface CpuReading {
  gateway: number;
  postgres: number;
  loadGenerator: number;
}

/** CPU seconds used so far by the gateway, PostgreSQL and this process (autocannon runs here). */
async function cpuReading(gatewayPid: number, postgresPid: number): Promise<CpuReading> {
  const own = process.cpuUsage();
  const [gateway, postgres] = await processTreesCpuSeconds(gatewayPid, postgresPid);
  return { gateway, postgres, loadGenerator: (own.user + own.system) / 1e6 };
}

/**
 * CPU milliseconds per request of each part between two readings, and the req/s that the
 * machine's cores would allow if the gateway's share were zero: what PostgreSQL and the load
 * generator alone need bounds any gateway on this machine.
 */
function perRequest(
  before: CpuReading,
  after: CpuReading,
  result: CannonResult,
): CpuReading & { ceiling: number } {
  const requests = Math.max(1, result.requests.total);
  const ms = (part: keyof CpuReading) => ((after[part] - before[part]) * 1000) / requests;
  const cpu = {
    gateway: ms('gateway'),
    postgres: ms('postgres'),
    loadGenerator: ms('loadGenerator'),
  };
  return { ...cpu, ceiling: (availableParallelism() * 1000) / (cpu.postgres + cpu.loadGenerator) };
}

/** One request of the shape, checked to answer 200 with data, before it is measured. */
async function check(base: string, token: string, request: CannonRequest): Promise<void> {
  const path = request.setupRequest ? request.setupRequest({}).path : request.path;
  const body = (await callApi(base, token, 'GET', path ?? '/')) as {
    data: unknown[];
    meta?: { filter_count?: number };
  };
  if (!Array.isArray(body.data) || body.data.length === 0) throw new Error(`${path}: no data`);
  if (path?.includes('filter_count') && body.meta?.filter_count !== CODES) {
    throw new Error(`${path}: filter_count ${body.meta?.filter_count}, not ${CODES}`);
  }
}

function log(message: string): void {
  console.log(`[bench:read] ${message}`);
}

main().then(printVerdict, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
