import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { inPgTransaction } from '@sid/shared/database';
import { EventOutboxRepository } from './event-outbox.repository';
import { EVENTS_CLIENT, eventsPattern } from './events-transport';

const BATCH = 100;

/**
 * Publishes the outbox: every OUTBOX_RELAY_INTERVAL_MS it takes the unpublished events (SKIP
 * LOCKED, so relays of several workers share the work), emits each over the Redis transport and
 * marks them published in the same transaction. A worker killed after its state change committed
 * leaves the event unpublished; this relay, in any worker, publishes it with its id unchanged.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EVENTS_CLIENT) private readonly client: ClientProxy,
    private readonly outbox: EventOutboxRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = async () => {
      try {
        while ((await this.publishBatch()) === BATCH && !this.stopped);
      } catch (error) {
        this.logger.warn(`events not published yet: ${String(error)}`);
      }
      if (this.stopped) return;
      this.timer = setTimeout(tick, this.config.OUTBOX_RELAY_INTERVAL_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.client.close();
  }

  /** Publishes up to one batch; returns how many events it published. */
  async publishBatch(): Promise<number> {
    const pattern = eventsPattern(this.config);
    return inPgTransaction(this.db, async (client) => {
      const events = await this.outbox.lockUnpublished(client, BATCH);
      for (const event of events)
        await lastValueFrom(this.client.emit(pattern, event), { defaultValue: undefined });
      await this.outbox.markPublished(
        client,
        events.map((event) => event.id),
      );
      return events.length;
    });
  }
}
