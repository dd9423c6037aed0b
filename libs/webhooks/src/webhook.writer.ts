import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import {
  Actor,
  CollectionWriter,
  CreatedItem,
  prepareEach,
  validatePayload,
} from '@sid/shared/items';
import { CreateWebhookDto, UpdateWebhookDto } from './webhook.dto';
import { newWebhookSecret } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';
import { NewWebhook, WebhookRepository } from './webhook.repository';

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
    const webhook = await this.prepare(actor, input);
    const id = await this.webhooks.insert(webhook);
    return { id, once: { secret: webhook.secret } };
  }

  /**
   * Every webhook checked as a single one is (its URL against SSRF, its events), then all stored
   * in one statement or none. Each gets its own secret, shown once beside it in the answer.
   */
  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<CreatedItem[]> {
    // One check per URL, not per item: it may resolve the host.
    const checked = new Map<string, Promise<void>>();
    const assertUrl = (url: string): Promise<void> => {
      let check = checked.get(url);
      if (!check) {
        check = this.assertUrl(url);
        checked.set(url, check);
      }
      return check;
    };
    const webhooks = await prepareEach(inputs, (input) => this.prepare(actor, input, assertUrl));
    const ids = await this.webhooks.insertMany(webhooks);
    return ids.map((id, index) => ({ id, once: { secret: webhooks[index].secret } }));
  }

  private async prepare(
    actor: Actor,
    input: Record<string, unknown>,
    assertUrl = (url: string) => this.assertUrl(url),
  ): Promise<NewWebhook> {
    const dto = validatePayload(this.payloads.create, input);
    await assertUrl(dto.url);
    return {
      account: actor.accountId,
      url: dto.url,
      events: dto.events,
      active: dto.active ?? true,
      secret: newWebhookSecret(),
      userCreated: actor.userId,
    };
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
