import { JobsOptions } from 'bullmq';
import { JobName } from './queue-names';

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

/**
 * Webhook deliveries: the first retries within seconds, then each waits twice as long as the one
 * before (1 s, 2 s, 4 s ... 9 h): 17 attempts span about 18 hours, so a receiver down for most of
 * a day still gets the event. Failures are kept for the same week as other jobs.
 */
export const WEBHOOK_DELIVERY_JOB_OPTIONS: JobsOptions = {
  ...DEFAULT_JOB_OPTIONS,
  attempts: 17,
  backoff: { type: 'exponential', delay: 1_000 },
};

/** Jobs whose options differ from the queue's defaults (DEFAULT_JOB_OPTIONS). */
export const JOB_OPTIONS: Partial<Record<JobName, JobsOptions>> = {
  [JobName.DeliverWebhook]: WEBHOOK_DELIVERY_JOB_OPTIONS,
};
