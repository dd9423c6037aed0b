import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CodeTallyRepository } from './code-tally.repository';

/** How often the deltas of unique_code_tally are folded. */
export const TALLY_COMPACTION_INTERVAL_MS = 60_000;

/**
 * Folds unique_code_tally's deltas once a minute, in the generator worker (the process that owns
 * codes). Between two runs a count reads one row per group plus the deltas written since: a
 * claim writes two, a generation chunk or an upload one per group it touched.
 */
@Injectable()
export class TallyCompaction implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TallyCompaction.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tally: CodeTallyRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), TALLY_COMPACTION_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const removed = await this.tally.compact();
      if (removed) this.logger.debug(`unique_code_tally: ${removed} rows folded`);
    } catch (error) {
      this.logger.warn(`unique_code_tally compaction failed: ${String(error)}`);
    }
  }
}
