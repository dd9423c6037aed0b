import { JobsOptions } from 'bullmq';

/**
 * Transient failures (a database restart, an S3 hiccup) are retried with backoff; permanent ones
 * (bad input) are thrown as `UnrecoverableError` by the handler and never retried. Completed jobs
 * are removed so that their predictable id can be used again by a later, deliberate re-run; the
 * last failures are kept for the ops dashboard.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1_000, age: 7 * 24 * 3600 },
};
