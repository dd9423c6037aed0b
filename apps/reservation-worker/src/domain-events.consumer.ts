import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { AppConfig } from '@sid/shared/config';
import { DomainEvent, eventsPattern, eventsTransportOptions } from '@sid/shared/events';
import { WebhookFanoutService } from '@sid/webhooks';

/**
 * The one consumer of domain events (@nestjs/microservices' Redis transport): each event becomes
 * webhook deliveries. Every replica listens; the deliveries' unique (webhook, event) pair makes
 * the second replica's work a no-op. Redis pub/sub keeps nothing while no replica listens, so
 * every RECOVERY_INTERVAL_MS the events of the last day are fanned out again (again a no-op for
 * those already done).
 */
@Injectable()
export class DomainEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DomainEventsConsumer.name);
  private readonly server: ServerRedis;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fanout: WebhookFanoutService,
    private readonly config: AppConfig,
  ) {
    this.server = new ServerRedis(eventsTransportOptions(config).options ?? {});
    this.server.addHandler(
      eventsPattern(config),
      async (event: DomainEvent) => {
        try {
          await this.fanout.onEvent(event);
        } catch (error) {
          // Left to the sweep: the event is in PostgreSQL.
          this.logger.warn(`event ${event.id} not fanned out yet: ${String(error)}`);
        }
      },
      true,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.listen((error) => (error ? reject(error) : resolve())),
    );
    const tick = async () => {
      try {
        const made = await this.fanout.sweepMissed((2 * this.config.RECOVERY_INTERVAL_MS) / 1000);
        if (made > 0) this.logger.log(`${made} missed webhook deliveries made`);
      } catch (error) {
        this.logger.warn(`webhook sweep failed: ${String(error)}`);
      }
      this.timer = setTimeout(tick, this.config.RECOVERY_INTERVAL_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.config.RECOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.server.close();
  }
}
