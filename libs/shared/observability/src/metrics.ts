import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Every metric of the platform, in prom-client's default registry: defined once per process
 * (module scope), so that an app booted twice in one test process does not register them twice.
 * Names start with `sid_`; the Grafana dashboard and the PrometheusRule in k8s/monitoring read
 * exactly these names, so renaming one is a change to both.
 *
 * In the gateway's cluster mode (GATEWAY_WORKERS > 1) a scrape gets every worker's metrics
 * aggregated (cluster-metrics.ts): counters and histograms are summed, which is right for counts
 * of requests, jobs and codes. Gauges say how: those read from a shared source (Redis, PostgreSQL)
 * or meaning "the longest" take the `max`, since summing would count one queue once per process.
 */
export const metricsRegistry = register;

collectDefaultMetrics({ register: metricsRegistry });

/** HTTP requests of the gateway, by route template (`/items/:collection`), never by raw path. */
export const httpRequestDuration = new Histogram({
  name: 'sid_http_request_duration_seconds',
  help: 'Duration of HTTP requests by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** Jobs run by this process: outcome is completed, retried (will run again) or failed (for good). */
export const jobDuration = new Histogram({
  name: 'sid_job_duration_seconds',
  help: 'Duration of BullMQ jobs by queue, job name and outcome',
  labelNames: ['queue', 'name', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400],
});

/** Jobs of each queue by state, read from Redis on a timer (every METRICS_INTERVAL_MS). */
export const queueJobs = new Gauge({
  name: 'sid_queue_jobs',
  help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed, prioritized)',
  labelNames: ['queue', 'state'] as const,
  aggregator: 'max',
});

export const codesGenerated = new Counter({
  name: 'sid_codes_generated_total',
  help: 'Codes written by the generator (committed chunks)',
  labelNames: ['code_type'] as const,
});

export const codesClaimed = new Counter({
  name: 'sid_codes_claimed_total',
  help: 'Codes claimed from the pool by reservations',
  labelNames: ['code_type'] as const,
});

export const codesExported = new Counter({
  name: 'sid_codes_exported_total',
  help: 'Codes written to completed export files',
  labelNames: ['export_type'] as const,
});

const POOL_LABELS = ['account', 'product', 'code_type'] as const;

/** Pool health: computed by the generator worker on a timer from PostgreSQL (see PoolHealthMetrics). */
export const poolUnassigned = new Gauge({
  name: 'sid_pool_unassigned_codes',
  help: 'Unassigned codes left in a code pool',
  labelNames: POOL_LABELS,
  aggregator: 'max',
});

export const poolLowWaterMark = new Gauge({
  name: 'sid_pool_low_water_mark',
  help: 'The configured minimum of unassigned codes of a code pool (min_unassigned)',
  labelNames: POOL_LABELS,
  aggregator: 'max',
});

export const poolClaimRate = new Gauge({
  name: 'sid_pool_claim_rate_per_second',
  help: "Codes claimed from a pool per second, over the last hour's samples",
  labelNames: POOL_LABELS,
  aggregator: 'max',
});

export const poolExhaustion = new Gauge({
  name: 'sid_pool_exhaustion_seconds',
  help: "Estimated seconds until a pool is empty at the last hour's claim rate (+Inf: no claims)",
  labelNames: POOL_LABELS,
  aggregator: 'max',
});

/** The longest-running job of this process per queue and name, and what its size predicts. */
export const jobRunning = new Gauge({
  name: 'sid_job_running_seconds',
  help: 'How long the longest job now running in this process has run',
  labelNames: ['queue', 'name'] as const,
  aggregator: 'max',
});

export const jobExpected = new Gauge({
  name: 'sid_job_expected_seconds',
  help: 'How long the longest-running job of this process should take, from its size',
  labelNames: ['queue', 'name'] as const,
  aggregator: 'max',
});

/** Each attempt to deliver a webhook, by event and whether the receiver took it (2xx). */
export const webhookAttempts = new Counter({
  name: 'sid_webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by event and outcome (delivered or failed)',
  labelNames: ['event', 'outcome'] as const,
});

/** The Prometheus text of every metric of this process. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
