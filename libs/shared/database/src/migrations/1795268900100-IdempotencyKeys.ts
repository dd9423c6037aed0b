import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key` on POST/PATCH/DELETE (Stripe's semantics): the first answer for a key is
 * kept per account for 24 hours, with a fingerprint of the request it answered. A row is
 * `running` while its first request runs, then `done` with the status and body to replay.
 *
 * Only the gateway's interceptor reads the table, as itself; no partner reads it as an item
 * collection, so the tenant role (granted SELECT on new tables by default) loses it here: stored
 * answers of one account are never visible to a statement running as another. Like every table
 * with an account column it also carries the row-security policies (TenantRowSecurity), so that
 * a later grant could not open it wider than its own account.
 */
export class IdempotencyKeys1795268900100 implements MigrationInterface {
  name = 'IdempotencyKeys1795268900100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_key (
        account uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done')),
        response_status integer,
        response_body jsonb,
        date_created timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, key)
      );
      CREATE INDEX idempotency_key_date_created_idx ON idempotency_key (date_created);
      REVOKE ALL ON idempotency_key FROM sid_tenant;
      ALTER TABLE idempotency_key ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_rows ON idempotency_key TO sid_tenant
        USING (account = nullif(current_setting('sid.account', true), '')::uuid);
      CREATE POLICY not_tenant ON idempotency_key TO PUBLIC USING (current_user <> 'sid_tenant');`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
  }
}
