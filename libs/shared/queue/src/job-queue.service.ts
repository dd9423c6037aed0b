import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { propagatedRequestId } from '@sid/shared/observability';
import { JOB_QUEUE, JobName, JobPayloads, jobId, QueueName } from './queue-names';
import { JOB_OPTIONS } from './retry-presets';

/** How long a request waits for Redis to take a job before leaving it to the recovery sweep. */
export const NUDGE_TIMEOUT_MS = 2_000;

/** The typed way to enqueue work: the job name fixes the queue, the payload type and the job id. */
@Injectable()
export class JobQueue {
  private readonly logger = new Logger(JobQueue.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.IdentifierGeneration) generation: Queue,
    @InjectQueue(QueueName.CodeReservation) reservation: Queue,
    @InjectQueue(QueueName.CodeExport) codeExport: Queue,
    @InjectQueue(QueueName.CodePool) codePool: Queue,
    @InjectQueue(QueueName.CodeIngestion) codeIngestion: Queue,
    @InjectQueue(QueueName.WorkorderFile) workorderFile: Queue,
    @InjectQueue(QueueName.WebhookDelivery) webhookDelivery: Queue,
  ) {
    this.queues = {
      [QueueName.IdentifierGeneration]: generation,
      [QueueName.CodeReservation]: reservation,
      [QueueName.CodeExport]: codeExport,
      [QueueName.CodePool]: codePool,
      [QueueName.CodeIngestion]: codeIngestion,
      [QueueName.WorkorderFile]: workorderFile,
      [QueueName.WebhookDelivery]: webhookDelivery,
    };
  }

  /** Enqueues a job; a job with the same id still waiting or running makes this a no-op. */
  async add<J extends JobName>(name: J, payload: JobPayloads[J], trigger?: string): Promise<void> {
    await this.queues[JOB_QUEUE[name]].add(name, withRequestId(payload), {
      ...JOB_OPTIONS[name],
      jobId: jobId(name, payload, trigger),
    });
  }

  /**
   * Enqueues work whose row is already committed, for an API request: the recovery sweep (or the
   * pool scheduler) finds the row again anyway, so when Redis does not take the job within
   * NUDGE_TIMEOUT_MS, or refuses it, this logs and returns rather than holding up or failing the
   * request. An add still pending completes when Redis is back (the job id makes it harmless).
   */
  async nudge<J extends JobName>(name: J, payload: JobPayloads[J]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), NUDGE_TIMEOUT_MS);
    });
    const added = this.add(name, payload).then(
      () => 'added' as const,
      (error: unknown) => error,
    );
    const outcome = await Promise.race([added, timeout]);
    clearTimeout(timer);
    if (outcome === 'added') return;
    const why = outcome === 'timeout' ? 'Redis did not answer' : String(outcome);
    this.logger.warn(`${name} ${JSON.stringify(payload)} left to the recovery sweep: ${why}`);
  }

  /**
   * Enqueues the job unless Redis already holds it. Used by the recovery sweep: a failed job is
   * retried rather than duplicated.
   */
  async ensure<J extends JobName>(
    name: J,
    payload: JobPayloads[J],
  ): Promise<'added' | 'retried' | 'present'> {
    const queue = this.queues[JOB_QUEUE[name]];
    const id = jobId(name, payload);
    const existing = await queue.getJob(id);
    if (!existing) {
      await queue.add(name, payload, { ...JOB_OPTIONS[name], jobId: id });
      return 'added';
    }
    if (await existing.isFailed()) {
      await existing.retry();
      return 'retried';
    }
    return 'present';
  }

  /**
   * Runs the job every `everyMs` with a BullMQ job scheduler whose id is the job name: every
   * process that calls this upserts the same scheduler, so there is one run per period for the
   * whole fleet, one attempt each (the next period is the retry).
   */
  async schedule<J extends JobName>(
    name: J,
    payload: JobPayloads[J],
    everyMs: number,
  ): Promise<void> {
    await this.queues[JOB_QUEUE[name]].upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: payload, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }
}

/**
 * The payload with the request id of the request (or job) enqueuing it, so that the worker's log
 * lines carry the same id as the gateway's. Not part of the job id: the same work enqueued by two
 * requests is still one job.
 */
export function withRequestId<T extends object>(payload: T): T & { requestId?: string } {
  const requestId = propagatedRequestId();
  return requestId ? { ...payload, requestId } : payload;
}
