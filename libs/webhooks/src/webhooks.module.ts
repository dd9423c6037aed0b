import { Module } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookFanoutService } from './webhook-fanout.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookWriter } from './webhook.writer';

/** Webhooks and their deliveries. Needs `QueueModule.forRoot()` in the app. */
@Module({
  providers: [WebhookRepository, WebhookWriter, WebhookFanoutService, WebhookDeliveryService],
  exports: [WebhookRepository, WebhookWriter, WebhookFanoutService, WebhookDeliveryService],
})
export class WebhooksModule {}
