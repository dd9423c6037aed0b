import cluster, { Worker } from 'node:cluster';
import { serveClusterMetrics } from '@sid/shared/observability';

/** How long the workers get to finish their requests after SIGTERM before they are killed. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs `workers` gateway processes sharing one port (Node.js cluster mode: the primary accepts
 * connections and hands them out). The first worker starts alone, so that its start-up writes
 * (the admin account of ADMIN_EMAIL) are done before the others repeat them; the rest follow
 * once it listens. A worker that dies is replaced; SIGTERM and SIGINT go to every worker, and
 * the primary exits once they have. A scrape of `/metrics` reaches one worker, which asks the
 * primary for every worker's metrics, aggregated.
 */
export function runGatewayCluster(workers: number): void {
  serveClusterMetrics();
  let stopping = false;
  let started = false;
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!started) {
      // The first worker could not start (bad settings, no database): forking again won't help.
      console.error(`api-gateway worker ${worker.process.pid} failed to start (${signal ?? code})`);
      process.exit(code || 1);
    }
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`api-gateway worker ${worker.process.pid} exited (${signal ?? code}): replaced`);
    fork();
  });
  const first = fork();
  first.once('listening', () => {
    started = true;
    for (let i = 1; i < workers; i++) fork();
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** True in the process that should fork the gateway's workers rather than serve. */
export function isGatewayPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}
