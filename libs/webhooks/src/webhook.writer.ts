import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, CreatedItem, validatePayload } from '@sid/shared/items';
import { CreateWebhookDto, UpdateWebhookDto } from './webhook.dto';
import { newWebhookSecret } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';
import { WebhookRepository } from './webhook.repository';

/**
 * `/items/webhook`: where an account's events go. The URL is checked against SSRF when written
 * (and again at each delivery); the secret is made here and shown once, in the answer to the POST.
 */
@Injectable()
export class WebhookWriter implements CollectionWriter {
  readonly collection = 'webhook';
  readonly payloads = { create: CreateWebhookDto, update: UpdateWebhookDto };

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<CreatedItem> {
    const dto = validatePayload(this.payloads.create, input);
    await this.assertUrl(dto.url);
    const secret = newWebhookSecret();
    const id = await this.webhooks.insert({
      account: actor.accountId,
      url: dto.url,
      events: dto.events,
      active: dto.active ?? true,
      secret,
      userCreated: actor.userId,
    });
    return { id, once: { secret } };
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const dto = validatePayload(this.payloads.update, input);
    if (dto.url !== undefined) await this.assertUrl(dto.url);
    const changed = await this.webhooks.update(id, actor.admin ? null : actor.accountId, {
      url: dto.url,
      events: dto.events,
      active: dto.active,
      userUpdated: actor.userId,
    });
    if (!changed) throw new ForbiddenError();
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.webhooks.delete(id, actor.admin ? null : actor.accountId))) {
      throw new ForbiddenError();
    }
  }

  private async assertUrl(url: string): Promise<void> {
    const problem = await webhookUrlProblem(url, {
      production: this.config.NODE_ENV === 'production',
      allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_URLS,
    });
    if (problem) throw new InvalidPayloadError(`"url" ${problem}.`, { field: 'url' });
  }
}
