/**
 * The domain events the platform publishes, as webhooks subscribe to them. NEVER rename one that
 * has shipped: receivers and stored webhooks name it. A name is listed only once something
 * records it, so that no webhook subscribes to an event that never comes.
 */
export const DOMAIN_EVENTS = [
  'identifier_job.completed',
  'identifier_job.failed',
  'code_reservation.completed',
  'code_reservation.failed',
  'export.ready',
  'pool.low',
  'ingestion_record.completed',
  'ingestion_record.failed',
  'workorder.completed',
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
