import { createHash } from 'node:crypto';
import { PoolClient } from 'pg';

/**
 * SQL texts run as named prepared statements: parsed once per connection, and planned once too
 * when PostgreSQL finds its generic plan as cheap as a custom one, instead of on every call. A
 * partner's reads are few texts run many times (the authentication lookup, one compiled item
 * query per shape), and parsing and planning were half of PostgreSQL's CPU for a lookup by code.
 *
 * Bounded: the first `capacity` texts marked by `prepared` are named, later ones run unnamed as
 * before, so each connection keeps at most `capacity` statements however many shapes partners
 * send and however long the process runs. PostgreSQL replans a prepared statement by itself when
 * its tables, their policies or the role running it change, so row-level security holds as for
 * any other statement. DATABASE_PREPARED_STATEMENTS=0 names none (for a transaction-mode
 * connection pooler that cannot keep them).
 */
class PreparedStatements {
  private readonly names = new Map<string, string>();
  /** DATABASE_PREPARED_STATEMENTS' default, until the DatabaseModule sets the configured one. */
  private capacity = 100;

  /** How many texts may be named from now on; lowering it forgets the names given so far. */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    if (this.names.size > capacity) this.names.clear();
  }

  /** Marks `sql` to run as a named statement while there is room; returns it unchanged. */
  mark(sql: string): string {
    if (this.names.size < this.capacity && !this.names.has(sql)) {
      this.names.set(sql, `sid_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`);
    }
    return sql;
  }

  nameOf(sql: string): string | undefined {
    return this.names.get(sql);
  }
}

const statements = new PreparedStatements();

/** `sql`, to be run as a named prepared statement on every connection (see PreparedStatements). */
export function prepared(sql: string): string {
  return statements.mark(sql);
}

/** DATABASE_PREPARED_STATEMENTS: how many texts `prepared` may name in this process. */
export function setPreparedStatementCapacity(capacity: number): void {
  statements.setCapacity(capacity);
}

/** The name a text runs under, if `prepared` named it. */
export function preparedStatementName(sql: string): string | undefined {
  return statements.nameOf(sql);
}

const named = new WeakSet<PoolClient>();

/**
 * Makes `client.query(text, values)` run a text that `prepared` named as that named statement.
 * Called for every connection the pool lends (scopeConnections), once per connection; any other
 * call goes through untouched.
 */
export function namePreparedStatements(client: PoolClient): void {
  if (named.has(client)) return;
  named.add(client);
  // The class's method, looked up at each call (a test may be spying on it).
  const query = (...args: unknown[]): unknown =>
    (Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown }).query.apply(
      client,
      args,
    );
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    const name = typeof text === 'string' ? statements.nameOf(text) : undefined;
    if (name === undefined) return query(...args);
    if (typeof values === 'function') return query({ name, text }, values);
    return query({ name, text, values }, callback);
  };
}
