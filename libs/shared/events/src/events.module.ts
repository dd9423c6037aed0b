import { Module } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { AppConfig } from '@sid/shared/config';
import { EventOutboxModule } from './event-outbox.module';
import { EventRelay } from './event-relay';
import { EVENTS_CLIENT, eventsTransportOptions } from './events-transport';

/** The outbox relay of a worker app (every app that records events runs one). */
@Module({
  imports: [EventOutboxModule],
  providers: [
    {
      provide: EVENTS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ClientProxyFactory.create(eventsTransportOptions(config)),
    },
    EventRelay,
  ],
  exports: [EventRelay],
})
export class EventsModule {}
