import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * PostgreSQL is the truth, Redis the transport: every so often a worker asks the database which
 * work is unfinished and makes sure Redis holds a job for it (re-adding what was lost, retrying
 * what failed for a transient reason). Enqueuing uses predictable job ids, so this never
 * duplicates a job that is waiting or running.
 */
export abstract class RecoverySweep implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer: NodeJS.Timeout | undefined;

  protected abstract readonly intervalMs: number;

  /** Enqueues what is missing; returns how many jobs were added or retried. */
  abstract sweep(): Promise<number>;

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
