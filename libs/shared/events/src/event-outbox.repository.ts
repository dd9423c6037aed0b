import { INSERT_EVENT } from './event-outbox.sql';
import { NewDomainEvent } from './domain-event';

/** A pg client or a TypeORM EntityManager / QueryRunner: whatever holds the caller's transaction. */
export interface SqlTransaction {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Records a domain event in the outbox, on the caller's transaction: it commits with the state
 * change it reports, or not at all. The relay publishes it afterwards.
 */
export async function recordEvent(tx: SqlTransaction, event: NewDomainEvent): Promise<void> {
  await tx.query(INSERT_EVENT, [event.event, event.account, event.subject, event.data ?? {}]);
}
