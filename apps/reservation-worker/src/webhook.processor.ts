import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeliverWebhookPayload, JobName, QueueName, QueueWorkerFactory } from '@sid/shared/queue';
import { WebhookDeliveryService } from '@sid/webhooks';

/**
 * Thin: each `deliver-webhook` job sends the delivery it names; a failure is retried with the
 * webhook preset's backoff (1 s doubling, about 18 h in all), then the delivery is marked failed.
 */
@Injectable()
export class WebhookProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.WebhookDelivery, {
      handlers: {
        [JobName.DeliverWebhook]: ({ deliveryId }) => this.deliveries.deliver(deliveryId),
      },
      onFailed: (payload, error) =>
        this.deliveries.giveUp((payload as DeliverWebhookPayload).deliveryId, error.message),
    });
  }
}
