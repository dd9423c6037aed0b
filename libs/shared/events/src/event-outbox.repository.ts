import { Injectable } from '@nestjs/common';
import { DomainEvent, NewDomainEvent } from './domain-event';
import { INSERT_EVENT, LOCK_UNPUBLISHED, MARK_PUBLISHED } from './event-outbox.sql';

/** A pg client or a TypeORM EntityManager / QueryRunner: whatever holds the caller's transaction. */
export interface SqlTransaction {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** A pg client inside a transaction, as the relay holds one. */
export interface PgTransaction {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The one door to event_outbox. Every method runs on the caller's transaction: a service records
 * an event on the transaction of the state change it reports, so the two commit together or not
 * at all; the relay locks, publishes and marks a batch in its own.
 */
@Injectable()
export class EventOutboxRepository {
  /** Records a domain event; recording the same (event, subject) again does nothing. */
  async record(tx: SqlTransaction, event: NewDomainEvent): Promise<void> {
    await tx.query(INSERT_EVENT, [event.event, event.account, event.subject, event.data ?? {}]);
  }

  /** The oldest unpublished events, locked for this transaction (other relays skip them). */
  async lockUnpublished(tx: PgTransaction, limit: number): Promise<DomainEvent[]> {
    const { rows } = await tx.query<Omit<DomainEvent, 'date_created'> & { date_created: Date }>(
      LOCK_UNPUBLISHED,
      [limit],
    );
    return rows.map((row) => ({ ...row, date_created: new Date(row.date_created).toISOString() }));
  }

  async markPublished(tx: SqlTransaction, ids: string[]): Promise<void> {
    if (ids.length > 0) await tx.query(MARK_PUBLISHED, [ids]);
  }
}
