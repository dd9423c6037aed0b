import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { DomainEvent } from '@sid/shared/events';
import { webhookAttempts } from '@sid/shared/observability';
import { DeliveryToSend, WebhookRepository } from './webhook.repository';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';

/** How long a receiver has to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export class WebhookDeliveryError extends Error {}

/** The body a receiver gets: the event, with the id to de-duplicate by. */
export function deliveryBody(event: DomainEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.event,
    created: event.date_created,
    subject: event.subject,
    data: event.data,
  });
}

/**
 * Sends one delivery: a POST of the event, signed (Sid-Signature: t=...,v1=HMAC-SHA256 of
 * "<t>.<body>"), with the event id in Sid-Event-Id. A 2xx answer delivers it; anything else is
 * recorded on the row and thrown, for the queue to retry with backoff. Safe to run twice: a
 * delivered (or failed) delivery is not sent again. Never follows redirects (no SSRF through a
 * 302), and checks the URL's addresses again (DNS may have changed since the webhook was written).
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly config: AppConfig,
  ) {}

  async deliver(deliveryId: string): Promise<'delivered' | 'skipped'> {
    const delivery = await this.webhooks.delivery(deliveryId);
    if (!delivery || delivery.status !== 'pending') return 'skipped';
    if (!delivery.active) {
      await this.webhooks.markFailed(deliveryId, 'The webhook was deactivated.');
      return 'skipped';
    }
    const outcome = await this.send(delivery);
    await this.webhooks.recordAttempt(deliveryId, outcome);
    webhookAttempts.inc({
      event: delivery.event.event,
      outcome: outcome.delivered ? 'delivered' : 'failed',
    });
    if (!outcome.delivered) {
      throw new WebhookDeliveryError(
        outcome.error ?? `The receiver answered ${outcome.responseCode}.`,
      );
    }
    this.logger.log(`${delivery.event.event} ${delivery.event.id} delivered (${deliveryId})`);
    return 'delivered';
  }

  /** The last attempt failed: the delivery stays in the log as failed. */
  async giveUp(deliveryId: string, reason: string): Promise<void> {
    await this.webhooks.markFailed(deliveryId, reason);
  }

  private async send(delivery: DeliveryToSend) {
    const problem = await webhookUrlProblem(delivery.url, {
      production: this.config.NODE_ENV === 'production',
      allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_URLS,
    });
    if (problem) return { delivered: false, responseCode: null, error: `The URL ${problem}.` };
    const body = deliveryBody(delivery.event);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sid-webhooks/1',
          'sid-event-id': delivery.event.id,
          'sid-event': delivery.event.event,
          [SIGNATURE_HEADER.toLowerCase()]: signWebhook(delivery.secret, body, timestamp),
        },
      });
      await response.body?.cancel().catch(() => undefined);
      const delivered = response.status >= 200 && response.status < 300;
      return {
        delivered,
        responseCode: response.status,
        error: delivered ? null : `The receiver answered ${response.status}.`,
      };
    } catch (error) {
      return { delivered: false, responseCode: null, error: `Not delivered: ${String(error)}` };
    }
  }
}
