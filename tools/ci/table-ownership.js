// Who owns which table: the one lib (Nx project) whose repositories may write or lock it. Every
// table the migrations create must be listed here; tools/ci/check-table-ownership.js fails on a
// table without an owner and on SQL in another project that writes or locks an owned table.
// The README's architecture section shows the same map with each owner's repository.
'use strict';

/**
 * @type {Record<string, { owner: string, repository: string,
 *   sharedWith?: Record<string, string> }>}
 * `sharedWith`: a project that may also write the table, and why (kept to the one declared case).
 */
const TABLE_OWNERS = {
  account: { owner: 'accounts', repository: 'AccountRepository' },
  app_user: { owner: 'accounts', repository: 'AccountRepository' },
  user_session: { owner: 'accounts', repository: 'SessionRepository' },
  idempotency_key: { owner: 'accounts', repository: 'IdempotencyRepository' },
  domain: { owner: 'catalog', repository: 'DomainRepository' },
  organisation: { owner: 'catalog', repository: 'OrganisationWriter (TypeORM repository)' },
  product: { owner: 'catalog', repository: 'ProductWriter (TypeORM repository)' },
  identifier_job: { owner: 'codes', repository: 'IdentifierJobRepository' },
  code_pool: { owner: 'codes', repository: 'CodePoolWriter (TypeORM repository)' },
  sscc_sequence: { owner: 'codes', repository: 'CodeGenerationRepository' },
  unique_code: {
    owner: 'codes',
    repository: 'CodeGenerationRepository',
    sharedWith: {
      // Codes are born (COPY) and discarded (a failed job) by generation; from then on their
      // status and reservation move by the rules of reservations, in the same transactions as
      // the reservation rows they count towards.
      reservations: 'the code lifecycle (claims, releases, batch moves): CodeLifecycleRepository',
    },
  },
  // Written by triggers on unique_code in every writing transaction (CodeTally migration);
  // folded by the repository.
  unique_code_tally: { owner: 'codes', repository: 'CodeTallyRepository' },
  code_reservation: { owner: 'reservations', repository: 'ReservationRepository' },
  file: { owner: 'exports', repository: 'FileRepository' },
  ingestion_record: { owner: 'ingestion', repository: 'IngestionRecordRepository' },
  workorder: { owner: 'ingestion', repository: 'WorkorderRepository' },
  // Services of codes, reservations and exports record events by calling EventOutboxRepository
  // with their own transaction's client: the SQL stays here, the transaction is theirs.
  event_outbox: { owner: 'shared-events', repository: 'EventOutboxRepository' },
  webhook: { owner: 'webhooks', repository: 'WebhookRepository' },
  webhook_delivery: { owner: 'webhooks', repository: 'WebhookRepository' },
};

module.exports = { TABLE_OWNERS };
