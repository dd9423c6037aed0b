/**
 * `npm run bench:load`: the four read shapes of the partner API under autocannon, on an idle
 * system and then on a busy one.
 *
 * The real system runs as processes (s3rver, the gateway, two of each worker: the chaos run's
 * `ChaosSystem`). Then:
 *   (idle)  LOAD_CODES codes of one product exist (inserted with SQL, under one complete identifier
 *           job), nothing else runs: each shape is read for LOAD_SECONDS by LOAD_CONNECTIONS
 *           connections;
 *   (busy)  an identifier job of LOAD_JOB_CODES codes and LOAD_RESERVATIONS reservations of
 *           LOAD_RESERVATION_SIZE codes (each exported, formats in turn) are POSTed, and the same
 *           reads run while the workers generate, claim and export.
 * For each: requests/s, latency p50/p95/p99 (every response's time, nearest rank) and errors
 * (connection errors, timeouts and non-2xx answers). Goals (issue #14): p95 of the light reads
 * (list, lookup by code, list with a relation) under 50 ms idle and under 150 ms busy, 0 errors.
 * The filter with `meta=filter_count` counts every matching row and is reported, not judged.
 *
 * Defaults are the issue's scale; lower LOAD_CODES / LOAD_JOB_CODES for a quick try.
 */
import autocannon from 'autocannon';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { ChaosSystem } from '../chaos/chaos-system';
import { callApi, intEnv, percentile, ROOT, withCheckDigit } from './bench-processes';

const CODES = intEnv('LOAD_CODES', 1_000_000);
const JOB_CODES = intEnv('LOAD_JOB_CODES', 1_000_000);
const RESERVATIONS = intEnv('LOAD_RESERVATIONS', 100);
const RESERVATION_SIZE = intEnv('LOAD_RESERVATION_SIZE', 1_000);
const SECONDS = intEnv('LOAD_SECONDS', 10);
const CONNECTIONS = intEnv('LOAD_CONNECTIONS', 10);
const PRODUCT = `/01/${withCheckDigit('0950600013438')}`;

interface Shape {
  name: string;
  light: boolean;
  path: () => string;
}

interface Figures {
  phase: string;
  shape: string;
  rps: number;
  /** null: no request was answered in time. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: number;
  goal: string;
}

async function main(): Promise<void> {
  const system = new ChaosSystem(join(ROOT, 'tmp', `load-${Date.now().toString(36)}`));
  const results: Figures[] = [];
  try {
    await system.start();
    const api = (method: string, path: string, body?: unknown) =>
      callApi(system.baseUrl, system.token, method, path, body) as Promise<{
        data: { id: string };
      }>;
    await api('POST', '/items/product', { gtin: PRODUCT.slice(4), product_name: 'Load' });
    const jobId = await seedCodes(system.db.url, CODES);
    const known = await knownCodes(system.db.url);
    const shapes: Shape[] = [
      { name: 'list 100 codes', light: true, path: () => '/items/unique_code?limit=100' },
      {
        name: 'filter + meta=filter_count',
        light: false,
        path: () =>
          `/items/unique_code?filter[identifier_job][_eq]=${jobId}&filter[status][_eq]=reserved&meta=filter_count&limit=10`,
      },
      {
        name: 'lookup by code',
        light: true,
        path: () =>
          `/items/unique_code?filter[code][_eq]=${known[randomInt(known.length)]}&limit=1`,
      },
      {
        name: 'list with a relation field',
        light: true,
        path: () =>
          '/items/unique_code?limit=100&fields=id,code,status,identifier_job.reference_id,product.product_name',
      },
    ];
    console.log(
      `[load] ${CODES} codes seeded; idle reads, ${SECONDS} s per shape, ${CONNECTIONS} connections`,
    );
    for (const shape of shapes) results.push(await measure(system, 'idle', shape, 50));

    console.log(
      `[load] busy: a ${JOB_CODES}-code job and ${RESERVATIONS} reservations of ${RESERVATION_SIZE}`,
    );
    const job = await api('POST', '/items/identifier_job', {
      product: PRODUCT,
      quantity: JOB_CODES,
    });
    const types = ['csv', 'json', 'xml'];
    const reservations = await Promise.all(
      Array.from({ length: RESERVATIONS }, (_, i) =>
        api('POST', '/items/code_reservation', {
          product: PRODUCT,
          quantity: RESERVATION_SIZE,
          export_type: types[i % 3],
        }),
      ),
    );
    for (const shape of shapes) results.push(await measure(system, 'busy', shape, 150));
    const state = await workState(
      system.db.url,
      job.data.id,
      reservations.map((r) => r.data.id),
    );
    console.log(`[load] at the end of the busy reads: ${state}`);
  } finally {
    await system.stop();
    await system.db?.drop();
    await system.clearQueues().catch(() => undefined);
  }
  console.log(
    '\nphase  shape                          req/s    p50 ms  p95 ms  p99 ms  errors  goal',
  );
  for (const r of results) {
    console.log(
      `${r.phase.padEnd(6)} ${r.shape.padEnd(30)} ${String(r.rps).padEnd(8)} ${String(r.p50 ?? '-').padEnd(7)} ${String(r.p95 ?? '-').padEnd(7)} ${String(r.p99 ?? '-').padEnd(7)} ${String(r.errors).padEnd(7)} ${r.goal}`,
    );
  }
}

/** One shape for SECONDS; every response's latency is kept, for exact percentiles. */
async function measure(
  system: ChaosSystem,
  phase: string,
  shape: Shape,
  goalMs: number,
): Promise<Figures> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: system.baseUrl,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    headers: { authorization: `Bearer ${system.token}` },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: shape.path() }) }],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    latencies.push(ms),
  );
  const result = await instance;
  const p95 = percentile(latencies, 95);
  const ms = (value: number) => (Number.isNaN(value) ? null : Math.round(value));
  const errors = result.errors + result.timeouts + result.non2xx;
  const figures: Figures = {
    phase,
    shape: shape.name,
    rps: Math.round(latencies.length / SECONDS),
    p50: ms(percentile(latencies, 50)),
    p95: ms(p95),
    p99: ms(percentile(latencies, 99)),
    errors,
    goal: shape.light
      ? `p95 < ${goalMs} ms, 0 errors: ${p95 < goalMs && errors === 0 ? 'met' : 'NOT met'}`
      : `(reported) ${errors === 0 ? '0 errors' : 'errors'}`,
  };
  console.log(`[load] ${phase} ${shape.name}: ${JSON.stringify(figures)}`);
  return figures;
}

/** `count` codes of PRODUCT under one complete identifier job, with SQL; returns the job id. */
async function seedCodes(url: string, count: number): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const {
      rows: [{ account }],
    } = await db.query(`SELECT account FROM product WHERE id = $1`, [PRODUCT]);
    const {
      rows: [{ id }],
    } = await db.query(
      `INSERT INTO identifier_job (account, quantity, quantity_created, product, status, reference_id)
       VALUES ($1, $2, $2, $3, 'complete', 'LOAD-SEED') RETURNING id`,
      [account, count, PRODUCT],
    );
    const gtin = PRODUCT.slice(4);
    await db.query(
      `INSERT INTO unique_code (account, type, product, identifier_job, status, code, digital_link, epc_join_key)
       SELECT $1, 'sgtin', $2, $3, 'unassigned', c, 'https://id.chaos.example/01/' || $4 || '/21/' || c, $4 || '-' || c
       FROM (SELECT 'L' || lpad(i::text, 11, '0') AS c FROM generate_series(1, $5::int) AS i) codes`,
      [account, PRODUCT, id, gtin, count],
    );
    await db.query('ANALYZE unique_code');
    return id;
  } finally {
    await db.end();
  }
}

async function knownCodes(url: string): Promise<string[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT code FROM unique_code TABLESAMPLE SYSTEM (1) LIMIT 1000`,
    );
    return rows.map((r) => r.code as string);
  } finally {
    await db.end();
  }
}

/** How far the busy work got (it need not finish: the reads were measured during it). */
async function workState(url: string, job: string, reservations: string[]): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const {
      rows: [j],
    } = await db.query(`SELECT status, quantity_created FROM identifier_job WHERE id = $1`, [job]);
    const { rows } = await db.query(
      `SELECT status, count(*)::int AS n FROM code_reservation WHERE id = ANY($1::uuid[]) GROUP BY 1`,
      [reservations],
    );
    return `job ${j.status} (${j.quantity_created} created); reservations ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}`;
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
