import { Job } from 'bullmq';
import { jobDuration, jobExpected, jobRunning } from '@sid/shared/observability';

/** Seconds a job may take whatever its size (start-up, a slow first query, a busy machine). */
export const JOB_EXPECTED_FLOOR_SECONDS = 300;
/**
 * The slowest rate a job of N codes should keep, codes per second: generation and claims run at
 * tens of thousands a second, exports at hundreds of thousands; 1,000/s leaves ample room, so an
 * alert on `running > 3 × expected` means something is stuck, not merely slow.
 */
export const JOB_EXPECTED_CODES_PER_SECOND = 1_000;

/** What a job's size says about its duration, in seconds (the size is its progress' `quantity`). */
export function expectedSeconds(job: Pick<Job, 'progress'>): number {
  const progress = job.progress as { quantity?: unknown } | number | undefined;
  const quantity =
    typeof progress === 'object' && progress !== null && typeof progress.quantity === 'number'
      ? progress.quantity
      : 0;
  return JOB_EXPECTED_FLOOR_SECONDS + quantity / JOB_EXPECTED_CODES_PER_SECOND;
}

type Outcome = 'completed' | 'retried' | 'failed';

/**
 * The jobs this process is running: each one's duration goes into `sid_job_duration_seconds`
 * when it ends; the longest-running one per queue and name is published (with what its size
 * predicts) every METRICS_INTERVAL_MS, for the "job running far longer than its size" alert.
 */
export class RunningJobs {
  private readonly jobs = new Map<Job, { queue: string; started: number }>();
  private timer: NodeJS.Timeout | undefined;

  start(queue: string, job: Job): (outcome: Outcome) => void {
    const started = Date.now();
    this.jobs.set(job, { queue, started });
    return (outcome) => {
      this.jobs.delete(job);
      jobDuration.observe({ queue, name: job.name, outcome }, (Date.now() - started) / 1000);
    };
  }

  publishEvery(intervalMs: number): void {
    this.timer ??= setInterval(() => this.publish(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  publish(now = Date.now()): void {
    const longest = new Map<
      string,
      { queue: string; name: string; running: number; expected: number }
    >();
    for (const [job, { queue, started }] of this.jobs) {
      const key = `${queue}\u0000${job.name}`;
      const running = (now - started) / 1000;
      if ((longest.get(key)?.running ?? -1) < running) {
        longest.set(key, { queue, name: job.name, running, expected: expectedSeconds(job) });
      }
    }
    jobRunning.reset();
    jobExpected.reset();
    for (const { queue, name, running, expected } of longest.values()) {
      jobRunning.set({ queue, name }, running);
      jobExpected.set({ queue, name }, expected);
    }
  }
}
