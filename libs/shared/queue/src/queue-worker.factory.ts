import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '@sid/shared/config';
import { requestContext } from '@sid/shared/observability';
import { JobName, JobPayloads, QueueName } from './queue-names';
import { redisConnectionOptions } from './redis-connection';
import { RunningJobs } from './running-jobs';

export type JobHandler<J extends JobName> = (
  payload: JobPayloads[J],
  job: Job<JobPayloads[J]>,
) => Promise<unknown>;

export interface JobHandlers {
  /** Called with each job of the queue, by name. */
  handlers: { [J in JobName]?: JobHandler<J> };
  /** Errors of these classes are permanent: the job fails at once, without retries. */
  permanentErrors?: (new (...args: never[]) => Error)[];
  /** Called once a job has failed for good (permanently, or with its attempts used up). */
  onFailed?: (payload: unknown, error: Error, name: JobName) => Promise<void>;
}

/**
 * Creates the BullMQ workers of an app from the one config. Workers start paused and begin to
 * take jobs only when the whole app is up (its database pool ready); on shutdown they stop taking
 * jobs and let the running ones finish.
 */
@Injectable()
export class QueueWorkerFactory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorkerFactory.name);
  private readonly workers: Worker[] = [];
  private readonly running = new RunningJobs();

  constructor(private readonly config: AppConfig) {}

  register(queue: QueueName, { handlers, permanentErrors = [], onFailed }: JobHandlers): Worker {
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const handler = handlers[job.name as JobName] as JobHandler<JobName> | undefined;
        if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" on ${queue}`);
        // The job's log lines carry the id of the request that caused it (or the job's own).
        const requestId = (job.data as { requestId?: unknown }).requestId;
        const context =
          typeof requestId === 'string'
            ? { requestId }
            : { requestId: `job:${job.id}`, local: true };
        return requestContext.run(context, async () => {
          const done = this.running.start(queue, job);
          try {
            const result = await handler(job.data, job);
            done('completed');
            this.logger.log(`${queue} job ${job.id} (${job.name}) completed`);
            return result;
          } catch (error) {
            const permanent =
              error instanceof UnrecoverableError ||
              permanentErrors.some((type) => error instanceof type);
            const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            done(final ? 'failed' : 'retried');
            if (permanent && !(error instanceof UnrecoverableError)) {
              throw new UnrecoverableError((error as Error).message);
            }
            throw error;
          }
        });
      },
      {
        connection: redisConnectionOptions(this.config.REDIS_URL),
        prefix: this.config.QUEUE_PREFIX,
        concurrency: this.config.WORKER_CONCURRENCY,
        lockDuration: this.config.QUEUE_LOCK_DURATION_MS,
        stalledInterval: Math.max(1_000, Math.floor(this.config.QUEUE_LOCK_DURATION_MS / 2)),
        autorun: false,
      },
    );
    worker.on('failed', (job, error) => {
      if (!job) return;
      if (isStalledFailure(error)) {
        // The processes running it died (or froze) more often than BullMQ allows: nothing is
        // wrong with the job's data. Its row stays unfinished, and the recovery sweep runs it
        // again; ending the row in error here would fail a good upload or job for a crash.
        this.logger.error(
          `${queue} job ${job.id} stalled too often (its workers died); left to the recovery sweep`,
        );
        return;
      }
      const final =
        error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.warn(
        `${queue} job ${job.id} failed${final ? ' for good' : ''}: ${error.message}`,
      );
      if (final && onFailed) {
        onFailed(job.data, error, job.name as JobName).catch((e: unknown) =>
          this.logger.error(`onFailed of ${job.id}: ${String(e)}`),
        );
      }
    });
    worker.on('error', (error) => this.logger.error(`${queue} worker: ${error.message}`));
    this.workers.push(worker);
    return worker;
  }

  onApplicationBootstrap(): void {
    this.running.publishEvery(this.config.METRICS_INTERVAL_MS);
    for (const worker of this.workers) {
      worker.run().catch((error: unknown) => this.logger.error(`worker stopped: ${String(error)}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.running.stop();
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

/** BullMQ's failure of a job whose lock was lost more than `maxStalledCount` times. */
export function isStalledFailure(error: Error): boolean {
  return /stalled more than allowable limit/i.test(error.message);
}
