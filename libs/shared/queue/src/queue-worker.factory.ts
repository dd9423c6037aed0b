import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobPayloads, QueueName } from './queue-names';
import { redisConnectionOptions } from './redis-connection';

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

  constructor(private readonly config: AppConfig) {}

  register(queue: QueueName, { handlers, permanentErrors = [], onFailed }: JobHandlers): Worker {
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const handler = handlers[job.name as JobName] as JobHandler<JobName> | undefined;
        if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" on ${queue}`);
        try {
          return await handler(job.data, job);
        } catch (error) {
          if (permanentErrors.some((type) => error instanceof type)) {
            throw new UnrecoverableError((error as Error).message);
          }
          throw error;
        }
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
    for (const worker of this.workers) {
      worker.run().catch((error: unknown) => this.logger.error(`worker stopped: ${String(error)}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
