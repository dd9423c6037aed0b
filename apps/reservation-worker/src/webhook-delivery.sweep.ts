import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RecoverySweep } from '@sid/shared/queue';
import { WebhookRepository } from '@sid/webhooks';

/** Pending deliveries whose job Redis lost get it back (and a failed job is retried). */
@Injectable()
export class WebhookDeliverySweep extends RecoverySweep<JobName.DeliverWebhook> {
  protected readonly job = JobName.DeliverWebhook;

  constructor(
    private readonly webhooks: WebhookRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.webhooks.pendingDeliveries(2000);
  }

  protected payload(id: string) {
    return { deliveryId: id };
  }
}
