import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, jobId, QueueName } from './queue-names';

/** The typed way to enqueue work: the job name fixes the queue, the payload type and the job id. */
@Injectable()
export class JobQueue {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.IdentifierGeneration) generation: Queue,
    @InjectQueue(QueueName.CodeReservation) reservation: Queue,
    @InjectQueue(QueueName.CodeExport) codeExport: Queue,
    @InjectQueue(QueueName.CodePool) codePool: Queue,
  ) {
    this.queues = {
      [QueueName.IdentifierGeneration]: generation,
      [QueueName.CodeReservation]: reservation,
      [QueueName.CodeExport]: codeExport,
      [QueueName.CodePool]: codePool,
    };
  }

  /** Enqueues a job; a job with the same id still waiting or running makes this a no-op. */
  async add<J extends JobName>(name: J, payload: JobPayloads[J], trigger?: string): Promise<void> {
    await this.queues[JOB_QUEUE[name]].add(name, payload, { jobId: jobId(name, payload, trigger) });
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
      await queue.add(name, payload, { jobId: id });
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
