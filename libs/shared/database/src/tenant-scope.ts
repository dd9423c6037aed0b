import { AsyncLocalStorage } from 'node:async_hooks';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { namePreparedStatements } from './prepared-statements';
import { TENANT_ROLE } from './tenant-transaction';

/** Marks work that takes a connection as it is (see asAnyScope). */
const AS_IS = Symbol('as-is');

/** The account whose partner request is running, if any (see asTenant). */
const scope = new AsyncLocalStorage<string | undefined | typeof AS_IS>();

/** What each pooled connection was last set to: an account, or the pool's own user. */
const connectionTenant = new WeakMap<PoolClient, string | undefined>();

/**
 * Runs `work` (and everything it awaits) as the partner of `accountId`: every connection it takes
 * from a scoped pool (see scopeConnections) runs as the tenant role with `sid.account` set, so
 * its reads and writes, whatever their statements forget, reach that account's rows only.
 */
export function asTenant<T>(accountId: string, work: () => T): T {
  return scope.run(accountId, work);
}

/**
 * Runs `work` as the pool's own user even inside a partner's request: for the platform's own
 * bookkeeping that a tenant may not do (refreshing a table's statistics needs its owner).
 */
export function asPlatform<T>(work: () => T): T {
  return scope.run(undefined, work);
}

/**
 * Runs `work` on connections as they are, set for whichever tenant (or none) used them last: for
 * statements whose result is the same whatever the session runs as, and only those (the
 * SECURITY DEFINER lookups that authenticate a request, before its scope is known). It saves
 * the partner's next statement setting a connection back to its tenant.
 */
export function asAnyScope<T>(work: () => T): T {
  return scope.run(AS_IS, work);
}

/** The account of the partner request this code runs for, if any. */
export function currentTenant(): string | undefined {
  const tenant = scope.getStore();
  return tenant === AS_IS ? undefined : tenant;
}

/** The account a lent connection's session runs as (see scopeConnections), if any. */
export function connectionScope(client: PoolClient): string | undefined {
  return connectionTenant.get(client);
}

/**
 * The one place where a request's database work gets its tenant: every connection the pool lends
 * (TypeORM's queries and transactions, `withPgClient`, the streaming clients) is set, before it is
 * handed over, to the scope of whoever asked for it. Inside `asTenant`, the connection's session
 * runs as the tenant role with `sid.account` set; outside, as the pool's own user again. The
 * settings are the session's, so they hold across the transactions the borrower opens, and a
 * connection is reset only when the next borrower's scope differs (usually no round trip).
 *
 * Fails closed: if the settings cannot be applied, the connection is dropped and the borrower
 * gets the error, never a connection in the wrong scope. Each lent connection also runs the texts
 * marked `prepared` as named statements (prepared-statements.ts).
 */
export function scopeConnections(dataSource: DataSource): DataSource {
  const driver = dataSource.driver as PostgresDriver;
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = async () => {
    const [client, release] = (await obtain()) as [PoolClient, (destroy?: Error) => void];
    namePreparedStatements(client);
    const tenant = scope.getStore();
    if (tenant !== AS_IS && connectionTenant.get(client) !== tenant) {
      try {
        await applyScope(client, tenant);
      } catch (error) {
        connectionTenant.delete(client);
        release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      connectionTenant.set(client, tenant);
    }
    return [client, release];
  };
  return dataSource;
}

async function applyScope(client: PoolClient, tenant: string | undefined): Promise<void> {
  if (tenant === undefined) {
    await client.query(`RESET ROLE; RESET sid.account`);
    return;
  }
  await client.query(
    `SELECT set_config('sid.account', $1, false), set_config('role', '${TENANT_ROLE}', false)`,
    [tenant],
  );
}
