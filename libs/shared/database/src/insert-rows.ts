import { EntityTarget, ObjectLiteral, DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Rows per INSERT: keeps a statement under PostgreSQL's 65,535 bind parameters for wide tables. */
const ROWS_PER_STATEMENT = 500;

/**
 * Stores every row in one transaction, all or none (a batch create). Several INSERTs of a few
 * hundred rows each, because one statement for 10,000 rows would exceed the bind parameters.
 */
export async function insertRows<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): Promise<void> {
  await db.transaction((tx) => insertRowsIn(tx, entity, rows));
}

/**
 * As insertRows, inside a transaction the caller holds (`tx`), for a batch that writes more than
 * its rows in the same transaction (a new default domain unsets the previous one).
 */
export async function insertRowsIn<T extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await tx.insert(entity, rows.slice(start, start + ROWS_PER_STATEMENT));
  }
}
