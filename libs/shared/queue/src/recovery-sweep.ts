import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { JobQueue } from './job-queue.service';
import { JobName, JobPayloads } from './queue-names';

/** How many unfinished rows one sweep asks for; the rest wait for the next sweep. */
export const RECOVERY_BATCH = 1000;

/**
 * PostgreSQL is the truth, Redis the transport: every so often a worker asks the database which
 * work is unfinished and makes sure Redis holds a job for it (re-adding what was lost, retrying
 * what failed for a transient reason). Enqueuing uses predictable job ids, so this never
 * duplicates a job that is waiting or running.
 *
 * A subclass names the job, asks the owning lib's repository for the ids of unfinished rows (at
 * most a few thousand: the sweep runs again) and gives the payload of a row; it runs every
 * RECOVERY_INTERVAL_MS.
 */
@Injectable()
export abstract class RecoverySweep<J extends JobName>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  protected readonly logger = new Logger(this.constructor.name);
  private timer: NodeJS.Timeout | undefined;

  protected abstract readonly job: J;
  /** Ids of the rows whose work may have been lost, oldest first. */
  protected abstract unfinished(): Promise<string[]>;
  protected abstract payload(id: string): JobPayloads[J];

  private readonly intervalMs: number;

  constructor(
    private readonly queue: JobQueue,
    config: AppConfig,
  ) {
    this.intervalMs = config.RECOVERY_INTERVAL_MS;
  }

  /** Enqueues what is missing; returns how many jobs were added or retried. */
  async sweep(): Promise<number> {
    const ids = await this.unfinished();
    // At once: each check is two Redis round trips, and the ids are distinct.
    const outcomes = await Promise.all(
      ids.map((id) => this.queue.ensure(this.job, this.payload(id))),
    );
    return outcomes.filter((outcome) => outcome !== 'present').length;
  }

  onApplicationBootstrap(): void {
    const tick = async () => {
      try {
        const recovered = await this.sweep();
        if (recovered > 0) this.logger.log(`recovered ${recovered} job(s) from PostgreSQL`);
      } catch (error) {
        this.logger.error(`sweep failed: ${String(error)}`);
      }
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }
}
