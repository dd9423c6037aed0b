import { Module } from '@nestjs/common';
import { ReservationsModule } from '@sid/reservations';
import { EventsModule } from '@sid/shared/events';
import { WebhooksModule } from '@sid/webhooks';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule } from '@sid/shared/database';
import { LoggingModule } from '@sid/shared/observability';
import { QueueModule } from '@sid/shared/queue';
import { ReservationProcessor } from './reservation.processor';
import { ReservationSweep } from './reservation.sweep';
import { DomainEventsConsumer } from './domain-events.consumer';
import { WebhookDeliverySweep } from './webhook-delivery.sweep';
import { WebhookProcessor } from './webhook.processor';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    QueueModule.forRoot(),
    ReservationsModule,
    EventsModule,
    WebhooksModule,
  ],
  providers: [
    ReservationProcessor,
    ReservationSweep,
    // Domain events become webhook deliveries here (a worker kind that never scales to zero).
    DomainEventsConsumer,
    WebhookProcessor,
    WebhookDeliverySweep,
  ],
})
export class ReservationWorkerModule {}
