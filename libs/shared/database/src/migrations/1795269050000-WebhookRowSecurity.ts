import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of EventsAndWebhooks and their account column: partners read the first two through
 * `/items`; the outbox they may not read at all, and its policies are the backstop behind that.
 */
const TENANT_TABLES: [string, string][] = [
  ['webhook', 'account'],
  ['webhook_delivery', 'account'],
  ['event_outbox', 'account'],
];

/** What a partner may read of `webhook`: every column but the secret that signs its deliveries. */
const WEBHOOK_READABLE = [
  'id',
  'account',
  'url',
  'events',
  'active',
  'user_created',
  'date_created',
  'user_updated',
  'date_updated',
];

/**
 * Row-level security for the webhook tables, as TenantRowSecurity gives every other tenant table:
 * a partner's reads (role `sid_tenant`, `sid.account` set for the transaction) see the rows of
 * its account only, whatever the statement forgot; every other role is allowed explicitly.
 *
 * Also narrower than the default privileges TenantRowSecurity set up (SELECT on every new table):
 * the tenant role may not read a webhook's `secret` (it is shown once, when the webhook is made,
 * and never read back through `/items`), nor the outbox, which only the workers read.
 *
 * A migration of its own rather than an edit of EventsAndWebhooks: that one was written before
 * row-level security existed, and a database that ran it keeps its history.
 */
export class WebhookRowSecurity1795269050000 implements MigrationInterface {
  name = 'WebhookRowSecurity1795269050000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_rows ON ${table} TO sid_tenant
          USING (${column} = nullif(current_setting('sid.account', true), '')::uuid);
        CREATE POLICY not_tenant ON ${table} TO PUBLIC USING (current_user <> 'sid_tenant');
      `);
    }
    await q.query(`
      REVOKE SELECT ON webhook FROM sid_tenant;
      GRANT SELECT (${WEBHOOK_READABLE.join(', ')}) ON webhook TO sid_tenant;
      REVOKE ALL ON event_outbox FROM sid_tenant;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE SELECT (${WEBHOOK_READABLE.join(', ')}) ON webhook FROM sid_tenant;
      GRANT SELECT ON webhook, event_outbox TO sid_tenant;
    `);
    for (const [table] of TENANT_TABLES) {
      await q.query(`
        DROP POLICY tenant_rows ON ${table};
        DROP POLICY not_tenant ON ${table};
        ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY;
      `);
    }
  }
}
