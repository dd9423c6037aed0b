/**
 * The domain events the platform publishes, as webhooks subscribe to them. NEVER rename one that
 * has shipped: receivers and stored webhooks name it.
 *
 * Not here yet: the ingestion events (issue 10's bring-your-own-codes uploads, ported on their
 * own). That port adds, recorded through EventOutboxRepository.record() on the transaction that
 * changes the row: `ingestion_record.completed` and `ingestion_record.failed` (an upload's codes
 * all stored, or its status set to `error`, with the reason) and `workorder.completed` (the
 * workorder's file stored). A name is listed only once something records it, so that no webhook
 * subscribes to an event that never comes.
 */
export const DOMAIN_EVENTS = [
  'identifier_job.completed',
  'identifier_job.failed',
  'code_reservation.completed',
  'code_reservation.failed',
  'export.ready',
  'pool.low',
] as const;

export type DomainEventName = (typeof DOMAIN_EVENTS)[number];

/** An event as it is stored, published and delivered: `id` is stable across re-deliveries. */
export interface DomainEvent {
  id: string;
  event: DomainEventName;
  account: string;
  /** The id of the item the event is about (a job, a reservation, a file, a refill job). */
  subject: string;
  data: Record<string, unknown>;
  /** ISO 8601, when the state change committed. */
  date_created: string;
}

/** What a service records; the id and the date are the database's. */
export interface NewDomainEvent {
  event: DomainEventName;
  account: string;
  subject: string;
  data?: Record<string, unknown>;
}
