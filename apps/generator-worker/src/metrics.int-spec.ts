import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import {
  freePort,
  startWorkerTestEnv,
  TEST_PRODUCT as PRODUCT,
  WorkerTestEnv,
} from '@sid/shared/testing';

/**
 * `/metrics` of a real generator-worker process on its health port, scraped while it runs a real
 * job (a pool refill of 200,000 codes) and after: queue depth by queue and state, job duration by
 * queue, name and outcome, codes generated, and pool health by account, product and code type.
 */
let env: WorkerTestEnv;
let client: Client;
let account: string;
let metricsUrl: string;

beforeAll(async () => {
  env = await startWorkerTestEnv('metrics', runMigrations);
  ({ client, account } = env);
});

afterAll(async () => {
  await env?.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of the sample `name{labels}`, labels in any order; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return match[3] === '+Inf' ? Infinity : Number(match[3]);
    }
  }
  return undefined;
}

it('publishes queue depth, job durations, codes generated and pool health', async () => {
  const pool = { account, product: PRODUCT, code_type: 'sgtin' };
  await client.query(
    `INSERT INTO code_pool (account, product, code_type, min_unassigned, refill_quantity, length)
     VALUES ($1, $2, 'sgtin', 150000, 200000, 12)`,
    [account, PRODUCT],
  );
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  await env.start('generator-worker', {
    HEALTH_PORT: String(port),
    METRICS_INTERVAL_MS: '1000',
    POOL_CHECK_INTERVAL_MS: '1000',
    GENERATOR_CHUNK_SIZE: '10000',
  });

  // During the refill: the job is active in its queue, and its running time is published.
  const during = await env.until('the refill job to be seen active', async () => {
    const text = await scrape();
    const active = sample(text, 'sid_queue_jobs', {
      queue: 'identifier-generation',
      state: 'active',
    });
    const published = sample(text, 'sid_pool_unassigned_codes', pool) !== undefined;
    return active === 1 && published ? text : undefined;
  });
  expect(sample(during, 'sid_queue_jobs', { queue: 'code-export', state: 'waiting' })).toBe(0);
  expect(sample(during, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
  // The pool is below its low-water mark while the refill runs.
  const before = sample(during, 'sid_pool_unassigned_codes', pool);
  expect(before).toBeLessThan(150_000);
  expect(sample(during, 'sid_pool_low_water_mark', pool)).toBe(150_000);

  // After it: one completed generate-identifiers job, its codes counted, the pool full. The pool
  // is full once the last chunk commits, a moment before the job ends (it refreshes the table's
  // statistics first), so both are awaited.
  const completedJob = {
    queue: 'identifier-generation',
    name: 'generate-identifiers',
    outcome: 'completed',
  };
  const after = await env.until('the pool full and its job ended, in the metrics', async () => {
    const text = await scrape();
    const full = sample(text, 'sid_pool_unassigned_codes', pool) === 200_000;
    const ended = sample(text, 'sid_job_duration_seconds_count', completedJob) !== undefined;
    return full && ended ? text : undefined;
  });
  expect(
    sample(after, 'sid_job_duration_seconds_count', {
      queue: 'identifier-generation',
      name: 'generate-identifiers',
      outcome: 'completed',
    }),
  ).toBe(1);
  expect(
    sample(after, 'sid_job_duration_seconds_sum', {
      queue: 'identifier-generation',
      name: 'generate-identifiers',
      outcome: 'completed',
    }),
  ).toBeGreaterThan(0);
  expect(sample(after, 'sid_codes_generated_total', { code_type: 'sgtin' })).toBe(200_000);
  // Nothing claimed yet: the pool never runs out.
  expect(sample(after, 'sid_pool_exhaustion_seconds', pool)).toBe(Infinity);

  // 10,000 codes claimed: the claim rate over the samples gives a finite time to exhaustion.
  await client.query(
    `INSERT INTO code_reservation (account, product, code_type, quantity, quantity_reserved, status)
     VALUES ($1, $2, 'sgtin', 10000, 10000, 'complete')`,
    [account, PRODUCT],
  );
  const claimed = await env.until('a claim rate', async () => {
    const text = await scrape();
    const rate = sample(text, 'sid_pool_claim_rate_per_second', pool);
    return rate !== undefined && rate > 0 ? text : undefined;
  });
  const rate = sample(claimed, 'sid_pool_claim_rate_per_second', pool)!;
  const eta = sample(claimed, 'sid_pool_exhaustion_seconds', pool)!;
  expect(Number.isFinite(eta)).toBe(true);
  expect(eta).toBeCloseTo(200_000 / rate, 0);
});
