import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue, QueueName } from '@sid/shared/queue';

/** Redis answers PING through the queue connection. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly queue: JobQueue,
  ) {}

  async isHealthy(key: string) {
    const check = this.indicator.check(key);
    try {
      const client = (await this.queue.queue(QueueName.IdentifierGeneration).client) as unknown as {
        ping(): Promise<string>;
      };
      await client.ping();
      return check.up();
    } catch (error) {
      return check.down({ message: String(error) });
    }
  }
}
