import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables a partner's requests write, all under the tenant policies of the earlier migrations. */
const WRITTEN_BY_PARTNERS = [
  'app_user',
  'organisation',
  'domain',
  'file',
  'product',
  'identifier_job',
  'unique_code',
  'code_reservation',
  'code_pool',
  'webhook',
  'ingestion_record',
  'workorder',
];

/**
 * Row-level security under a partner's writes as well as its reads: the gateway now runs every
 * statement of a partner's request as `sid_tenant` with the account set (see asTenant), so the
 * role gets the writes its requests make, and the policies (`tenant_rows`, for all commands:
 * what it may touch and what it may write) confine them to the partner's account.
 *
 * Still out of the tenant's reach: `account`, `webhook_delivery` and `user_session` (the
 * platform writes them), the outbox except to add an event, and a webhook's secret except to
 * write it. Idempotency keys are the partner's own rows (per account, under their policies).
 */
export class TenantWrites1795269200000 implements MigrationInterface {
  name = 'TenantWrites1795269200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      GRANT INSERT, UPDATE, DELETE ON ${WRITTEN_BY_PARTNERS.join(', ')} TO sid_tenant;
      GRANT INSERT ON event_outbox TO sid_tenant;
      GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO sid_tenant;
      GRANT USAGE ON SEQUENCE ingestion_record_id_seq, workorder_id_seq TO sid_tenant;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE USAGE ON SEQUENCE ingestion_record_id_seq, workorder_id_seq FROM sid_tenant;
      REVOKE ALL ON idempotency_key FROM sid_tenant;
      REVOKE INSERT ON event_outbox FROM sid_tenant;
      REVOKE INSERT, UPDATE, DELETE ON ${WRITTEN_BY_PARTNERS.join(', ')} FROM sid_tenant;
    `);
  }
}
