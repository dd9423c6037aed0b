import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@sid/shared/events';
import { JobName, JobQueue } from '@sid/shared/queue';
import { WebhookRepository } from './webhook.repository';

/**
 * Turns domain events into webhook deliveries: one row per subscribed webhook (the unique
 * (webhook, event) pair makes a second publication of the same event, or the sweep after it,
 * harmless) and one BullMQ job per new row. Never blocks the job that caused the event: it runs
 * in the consumer, after the event was committed and published.
 */
@Injectable()
export class WebhookFanoutService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly queue: JobQueue,
  ) {}

  async onEvent(event: Pick<DomainEvent, 'id'>): Promise<number> {
    return this.fanOut([event.id]);
  }

  /**
   * Events published at least `olderThanSeconds` ago (a listening consumer fans out within
   * milliseconds) whose deliveries may never have been made (no consumer was listening).
   */
  async sweepMissed(olderThanSeconds: number): Promise<number> {
    return this.fanOut(await this.webhooks.recentPublishedEvents(olderThanSeconds));
  }

  private async fanOut(eventIds: string[]): Promise<number> {
    const deliveries = await this.webhooks.createDeliveries(eventIds);
    for (const deliveryId of deliveries)
      await this.queue.add(JobName.DeliverWebhook, { deliveryId });
    return deliveries.length;
  }
}
