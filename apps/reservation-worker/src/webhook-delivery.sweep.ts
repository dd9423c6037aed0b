import { Injectable } from '@nestjs/common';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/** Pending deliveries whose job Redis lost get it back (and a failed job is retried). */
@Injectable()
export class WebhookDeliverySweep extends RecoverySweep<JobName.DeliverWebhook> {
  protected readonly job = JobName.DeliverWebhook;
  protected readonly unfinished = `
    SELECT id FROM webhook_delivery WHERE status = 'pending' ORDER BY date_created LIMIT 2000`;

  protected payload(id: string) {
    return { deliveryId: id };
  }
}
