import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPgTransaction } from './pg-client';

/** The role whose rows the row-level security policies confine to `sid.account`. */
export const TENANT_ROLE = 'sid_tenant';

/**
 * Runs `work` in a transaction as the tenant role with `sid.account` set to `accountId`, both
 * for this transaction only (`set_config(..., true)` is SET LOCAL): whatever the statements
 * forget, PostgreSQL shows them the rows of that account only. For a transaction of its own;
 * a partner's whole request runs as its tenant through `asTenant` (tenant-scope.ts).
 */
export function inTenantTransaction<T>(
  db: DataSource,
  accountId: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return inPgTransaction(db, async (client) => {
    await becomeTenant(client, accountId);
    return work(client);
  });
}

/**
 * Turns the transaction open on `client` into a tenant's: the tenant role, `sid.account` set,
 * both until the transaction ends. For a transaction begun elsewhere (a read cursor's).
 */
export async function becomeTenant(client: PoolClient, accountId: string): Promise<void> {
  await client.query(
    `SELECT set_config('sid.account', $1, true), set_config('role', '${TENANT_ROLE}', true)`,
    [accountId],
  );
}

/** Whether this connection's user may become the tenant role (the migration grants it). */
export async function canUseTenantRole(db: DataSource): Promise<boolean> {
  const [{ ok }] = await db.query(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_ROLE}')
       THEN pg_has_role(current_user, '${TENANT_ROLE}', 'MEMBER') ELSE false END AS ok`,
  );
  return ok === true;
}
