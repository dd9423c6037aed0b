import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenant tables and the column holding their account. */
const TENANT_TABLES: [string, string][] = [
  ['account', 'id'],
  ['app_user', 'account'],
  ['organisation', 'account'],
  ['domain', 'account'],
  ['file', 'account'],
  ['product', 'account'],
  ['identifier_job', 'account'],
  ['unique_code', 'account'],
  ['code_reservation', 'account'],
  ['code_pool', 'account'],
];

/**
 * Row-level security as a backstop under the item read path. A partner's reads run as the role
 * `sid_tenant` with `sid.account` set for the transaction (see inTenantTransaction); the
 * policies give that role the rows of that account only, so a statement that forgot its
 * `account = ...` still sees nothing of another tenant's. Every other role (the owner that runs
 * migrations, the workers, admins' reads) is allowed explicitly by the `not_tenant` policy, so
 * nothing else changes. `sid_tenant` may only read.
 *
 * Roles are cluster-wide: the role is created once and kept by `down` (other databases of the
 * cluster may use it); creating it is tolerant of another database's migration doing so at the
 * same moment.
 */
export class TenantRowSecurity1795268800000 implements MigrationInterface {
  name = 'TenantRowSecurity1795268800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE sid_tenant NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
      -- A superuser may switch to any role; anyone else needs to be a member.
      DO $$ BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT sid_tenant TO %I', current_user);
        END IF;
      EXCEPTION WHEN unique_violation THEN NULL;
      END $$;
      GRANT USAGE ON SCHEMA public TO sid_tenant;
      GRANT SELECT ON ALL TABLES IN SCHEMA public TO sid_tenant;
      -- Tables added later by the same owner are readable too (their own policies come with them).
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO sid_tenant;
      -- The pool view reads its tables with the caller's rights, policies included.
      ALTER VIEW code_pool_level SET (security_invoker = true);
    `);
    for (const [table, column] of TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_rows ON ${table} TO sid_tenant
          USING (${column} = nullif(current_setting('sid.account', true), '')::uuid);
        CREATE POLICY not_tenant ON ${table} TO PUBLIC USING (current_user <> 'sid_tenant');
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of TENANT_TABLES) {
      await q.query(`
        DROP POLICY tenant_rows ON ${table};
        DROP POLICY not_tenant ON ${table};
        ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY;
      `);
    }
    await q.query(`
      ALTER VIEW code_pool_level RESET (security_invoker);
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM sid_tenant;
      REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM sid_tenant;
      REVOKE USAGE ON SCHEMA public FROM sid_tenant;
    `);
  }
}
