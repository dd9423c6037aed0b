import { Module } from '@nestjs/common';
import { EventOutboxRepository } from './event-outbox.repository';

/**
 * The outbox alone, for a domain lib that records events in its own transactions. Needs nothing:
 * every method runs on the caller's transaction. The relay that publishes it is EventsModule's.
 */
@Module({
  providers: [EventOutboxRepository],
  exports: [EventOutboxRepository],
})
export class EventOutboxModule {}
