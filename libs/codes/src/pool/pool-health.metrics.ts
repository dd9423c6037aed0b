import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import {
  poolClaimRate,
  poolExhaustion,
  poolLowWaterMark,
  poolUnassigned,
} from '@sid/shared/observability';
import { CodePoolHealthRepository, PoolKey } from './code-pool-health.repository';
import { ClaimRateWindow, secondsToExhaustion } from './pool-claim-rate';

const keyOf = (k: PoolKey) => `${k.account}\u0000${k.product}\u0000${k.code_type}`;

/**
 * Pool health gauges (`sid_pool_*`), computed every METRICS_INTERVAL_MS from PostgreSQL by the
 * process that owns pools (the generator worker): unassigned codes left, the low-water mark
 * (min_unassigned), the claim rate over the last hour and the time to exhaustion at that rate.
 */
@Injectable()
export class PoolHealthMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PoolHealthMetrics.name);
  private readonly window = new ClaimRateWindow();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: CodePoolHealthRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.METRICS_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refresh(now = Date.now()): Promise<void> {
    try {
      const [levels, claimed] = await Promise.all([
        this.repository.levels(),
        this.repository.claimedTotals(),
      ]);
      const totals = new Map(claimed.map((row) => [keyOf(row), row.claimed]));
      const keys = new Set<string>();
      poolUnassigned.reset();
      poolLowWaterMark.reset();
      poolClaimRate.reset();
      poolExhaustion.reset();
      for (const level of levels) {
        const key = keyOf(level);
        keys.add(key);
        this.window.record(key, totals.get(key) ?? 0, now);
        const labels = {
          account: level.account,
          product: level.product,
          code_type: level.code_type,
        };
        const rate = this.window.rate(key);
        poolUnassigned.set(labels, level.unassigned_count);
        poolLowWaterMark.set(labels, level.min_unassigned);
        poolClaimRate.set(labels, rate);
        poolExhaustion.set(labels, secondsToExhaustion(level.unassigned_count, rate));
      }
      this.window.retain(keys);
    } catch (error) {
      this.logger.warn(`pool health not read: ${String(error)}`);
    }
  }
}
