import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { queueJobs } from '@sid/shared/observability';
import { JobQueue } from './job-queue.service';
import { QueueName } from './queue-names';

export const QUEUE_DEPTH_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'prioritized',
] as const;

/**
 * Reads every queue's job counts from Redis every METRICS_INTERVAL_MS into `sid_queue_jobs`, so
 * that a scrape costs no Redis round trip. Every app runs one (each sees every queue), so the
 * depth is still published when a worker kind is scaled to zero.
 */
@Injectable()
export class QueueDepthCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueDepthCollector.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queues: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.collect();
    this.timer = setInterval(() => void this.collect(), this.config.METRICS_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async collect(): Promise<void> {
    try {
      await Promise.all(
        Object.values(QueueName).map(async (queue) => {
          const counts = await this.queues.queue(queue).getJobCounts(...QUEUE_DEPTH_STATES);
          for (const state of QUEUE_DEPTH_STATES)
            queueJobs.set({ queue, state }, counts[state] ?? 0);
        }),
      );
    } catch (error) {
      this.logger.warn(`queue depth not read: ${String(error)}`);
    }
  }
}
