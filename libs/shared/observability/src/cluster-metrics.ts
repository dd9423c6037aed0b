import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import { metricsRegistry, metricsText } from './metrics';

const REQUEST = 'sid:cluster-metrics-request';
const RESPONSE = 'sid:cluster-metrics-response';
/** prom-client's primary gives up on a silent worker after 5 s; the asking worker waits a bit more. */
const ANSWER_TIMEOUT_MS = 8_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: string;
  body?: string;
  error?: string;
}

const pending = new Map<
  string,
  { resolve: (body: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
>();
let joined = false;

/**
 * In the primary of a cluster (GATEWAY_WORKERS > 1): answers a worker that was scraped with the
 * metrics of every worker, aggregated by prom-client's AggregatorRegistry (counters and histograms
 * summed, gauges as each one declares). The primary serves no HTTP itself: a scrape lands on one
 * worker, which asks here.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<MetricsRequest> | undefined) => {
    if (message?.type !== REQUEST || typeof message.id !== 'string') return;
    const id = message.id;
    const answer = (response: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id, ...response });
    };
    aggregator.clusterMetrics().then(
      (body) => answer({ body }),
      (error: unknown) => answer({ error: String(error) }),
    );
  });
}

/**
 * In a cluster worker: lets the primary read this process's metrics (prom-client's listener) and
 * hear the answers to this worker's own requests. Called once at start-up by every worker, so
 * that whichever is scraped, all of them are counted.
 */
export function joinClusterMetrics(): void {
  if (joined || !cluster.isWorker) return;
  joined = true;
  new AggregatorRegistry(); // installs prom-client's answer to the primary's requests
  process.on('message', (message: Partial<MetricsResponse> | undefined) => {
    if (message?.type !== RESPONSE || typeof message.id !== 'string') return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (typeof message.body === 'string') request.resolve(message.body);
    else request.reject(new Error(message.error ?? 'no metrics from the cluster primary'));
  });
}

/**
 * The Prometheus text of the gateway as a whole: every worker's metrics aggregated when this
 * process is a cluster worker, else this process's own (one process, or a worker app).
 */
export async function gatewayMetricsText(): Promise<{ contentType: string; body: string }> {
  if (!joined || !process.send) return metricsText();
  const send = process.send.bind(process);
  const id = randomUUID();
  const body = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the cluster primary did not answer with metrics in time'));
    }, ANSWER_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    send({ type: REQUEST, id } satisfies MetricsRequest);
  });
  return { contentType: metricsRegistry.contentType, body };
}
