import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Domain events and signed webhooks.
 *
 * `event_outbox`: an event is written in the same transaction as the state change it reports, so
 * a crash between commit and publish loses nothing: the relay publishes rows whose `published_at`
 * is null. One event per (event, subject): a handler running twice records it once. Its id is
 * the id a receiver de-duplicates by.
 *
 * `webhook`: per account, where to send which events; the secret signs deliveries and is shown
 * once, when the webhook is created. `webhook_delivery`: one row per event and webhook (the
 * unique pair makes a duplicate publication harmless), with its attempts and last answer.
 */
export class EventsAndWebhooks1795269000000 implements MigrationInterface {
  name = 'EventsAndWebhooks1795269000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        event text NOT NULL CHECK (event ~ '^[a-z_]+\\.[a-z_]+$'),
        subject text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        date_created timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CONSTRAINT event_outbox_once UNIQUE (event, subject)
      );
      CREATE INDEX event_outbox_unpublished_idx ON event_outbox (date_created)
        WHERE published_at IS NULL;
      CREATE INDEX event_outbox_recent_idx ON event_outbox (date_created);

      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
        events text[] NOT NULL CHECK (cardinality(events) >= 1),
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz
      );
      CREATE INDEX webhook_account_idx ON webhook (account) WHERE active;

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        webhook uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES event_outbox (id) ON DELETE CASCADE,
        event text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_response_code integer,
        last_error text,
        date_created timestamptz NOT NULL DEFAULT now(),
        date_updated timestamptz,
        delivered_at timestamptz,
        CONSTRAINT webhook_delivery_once UNIQUE (webhook, event_id)
      );
      CREATE INDEX webhook_delivery_account_idx ON webhook_delivery (account, date_created);
      CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (date_created)
        WHERE status = 'pending';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery; DROP TABLE webhook; DROP TABLE event_outbox;`);
  }
}
