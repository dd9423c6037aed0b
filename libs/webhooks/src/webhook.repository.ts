import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvent } from '@sid/shared/events';
import {
  CREATE_DELIVERIES,
  DELETE_WEBHOOK,
  INSERT_WEBHOOK,
  INSERT_WEBHOOKS,
  MARK_DELIVERY_FAILED,
  READ_DELIVERY,
  RECENT_PUBLISHED_EVENTS,
  RECORD_ATTEMPT,
  PENDING_DELIVERIES,
  UPDATE_WEBHOOK,
} from './webhook.sql';

export interface NewWebhook {
  account: string;
  url: string;
  events: string[];
  active: boolean;
  secret: string;
  userCreated: string;
}

export interface WebhookChanges {
  url?: string;
  events?: string[];
  active?: boolean;
  userUpdated: string;
}

/** A delivery with what sending it needs: its webhook and its event. */
export interface DeliveryToSend {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  url: string;
  secret: string;
  active: boolean;
  event: DomainEvent;
}

export interface AttemptOutcome {
  delivered: boolean;
  responseCode: number | null;
  error: string | null;
}

/** Every SQL statement on webhook and webhook_delivery. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(webhook: NewWebhook): Promise<string> {
    const [{ id }] = await this.db.query(INSERT_WEBHOOK, [
      webhook.account,
      webhook.url,
      webhook.events,
      webhook.active,
      webhook.secret,
      webhook.userCreated,
    ]);
    return id;
  }

  /** Stores every webhook or none; returns their ids in the order given. */
  async insertMany(webhooks: NewWebhook[]): Promise<string[]> {
    const rows = webhooks.map((webhook) => ({
      id: randomUUID(),
      account: webhook.account,
      url: webhook.url,
      events: webhook.events,
      active: webhook.active,
      secret: webhook.secret,
      user_created: webhook.userCreated,
    }));
    if (rows.length > 0) await this.db.query(INSERT_WEBHOOKS, [JSON.stringify(rows)]);
    return rows.map((row) => row.id);
  }

  /** False when no webhook of that id is the caller's (`account` null: any account). */
  async update(id: string, account: string | null, changes: WebhookChanges): Promise<boolean> {
    const rows = await this.db.query(UPDATE_WEBHOOK, [
      id,
      account,
      changes.url ?? null,
      changes.events ?? null,
      changes.active ?? null,
      changes.userUpdated,
    ]);
    return rows[0].length > 0;
  }

  async delete(id: string, account: string | null): Promise<boolean> {
    const rows = await this.db.query(DELETE_WEBHOOK, [id, account]);
    return rows[0].length > 0;
  }

  /** Makes the deliveries of these events that do not exist yet; returns their ids. */
  async createDeliveries(eventIds: string[]): Promise<string[]> {
    if (eventIds.length === 0) return [];
    const rows: { id: string }[] = await this.db.query(CREATE_DELIVERIES, [eventIds]);
    return rows.map((row) => row.id);
  }

  async recentPublishedEvents(olderThanSeconds: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(RECENT_PUBLISHED_EVENTS, [olderThanSeconds]);
    return rows.map((row) => row.id);
  }

  async delivery(id: string): Promise<DeliveryToSend | null> {
    const [row] = await this.db.query(READ_DELIVERY, [id]);
    if (!row) return null;
    return {
      id: row.id,
      status: row.status,
      attempts: row.attempts,
      url: row.url,
      secret: row.secret,
      active: row.active,
      event: {
        id: row.event_id,
        event: row.event,
        account: row.account,
        subject: row.subject,
        data: row.data,
        date_created: new Date(row.date_created).toISOString(),
      },
    };
  }

  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.db.query(RECORD_ATTEMPT, [
      id,
      outcome.delivered,
      outcome.responseCode,
      outcome.error?.slice(0, 2000) ?? null,
    ]);
  }

  async markFailed(id: string, error: string | null): Promise<void> {
    await this.db.query(MARK_DELIVERY_FAILED, [id, error?.slice(0, 2000) ?? null]);
  }

  /** Recovery: ids of deliveries still pending, oldest first. */
  async pendingDeliveries(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(PENDING_DELIVERIES, [limit]);
    return rows.map((row) => row.id);
  }
}
