/**
 * Every queue of the system, every job name, the payload of each, and how each is retried.
 *
 * NEVER rename a queue or job name that has shipped: jobs already in Redis under the old name
 * would be stranded. Add a new name and drain the old one instead.
 *
 * Payloads carry ids only. A handler re-reads its row from PostgreSQL, returns early when the row
 * is not in the state it expects, and continues from where the last attempt stopped: BullMQ
 * delivers at least once, and the recovery sweep may enqueue a job that is already done.
 */
export enum QueueName {
  IdentifierGeneration = 'identifier-generation',
  CodeReservation = 'code-reservation',
  CodeExport = 'code-export',
  CodePool = 'code-pool',
  CodeIngestion = 'code-ingestion',
  WorkorderFile = 'workorder-file',
  WebhookDelivery = 'webhook-delivery',
}

export enum JobName {
  GenerateIdentifiers = 'generate-identifiers',
  ClaimCodes = 'claim-codes',
  ExportReservation = 'export-reservation',
  CheckPools = 'check-pools',
  SweepExportObjects = 'sweep-export-objects',
  IngestCodes = 'ingest-codes',
  BuildWorkorderFile = 'build-workorder-file',
  DeliverWebhook = 'deliver-webhook',
}

export interface GenerateIdentifiersPayload {
  identifierJobId: string;
}

export interface ClaimCodesPayload {
  reservationId: string;
}

export interface ExportReservationPayload {
  reservationId: string;
}

/** Without `codePoolId` (the scheduled check): every pool; with it: that pool only. */
export interface CheckPoolsPayload {
  codePoolId?: string;
}

/** Scheduled: every export object older than the grace period is checked. */
export type SweepExportObjectsPayload = Record<string, never>;

/** An uploaded file of codes to validate and write (generator-worker). */
export interface IngestCodesPayload {
  ingestionRecordId: string;
}

/** The zip of a workorder's codes to build and store (export-worker). */
export interface BuildWorkorderFilePayload {
  workorderId: string;
}

/** One delivery of one event to one webhook (its `webhook_delivery` row). */
export interface DeliverWebhookPayload {
  deliveryId: string;
}

export interface JobPayloads {
  [JobName.GenerateIdentifiers]: GenerateIdentifiersPayload;
  [JobName.ClaimCodes]: ClaimCodesPayload;
  [JobName.ExportReservation]: ExportReservationPayload;
  [JobName.CheckPools]: CheckPoolsPayload;
  [JobName.SweepExportObjects]: SweepExportObjectsPayload;
  [JobName.IngestCodes]: IngestCodesPayload;
  [JobName.BuildWorkorderFile]: BuildWorkorderFilePayload;
  [JobName.DeliverWebhook]: DeliverWebhookPayload;
}

/** Which queue each job goes to. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  [JobName.GenerateIdentifiers]: QueueName.IdentifierGeneration,
  [JobName.ClaimCodes]: QueueName.CodeReservation,
  [JobName.ExportReservation]: QueueName.CodeExport,
  [JobName.CheckPools]: QueueName.CodePool,
  [JobName.SweepExportObjects]: QueueName.CodeExport,
  [JobName.IngestCodes]: QueueName.CodeIngestion,
  [JobName.BuildWorkorderFile]: QueueName.WorkorderFile,
  [JobName.DeliverWebhook]: QueueName.WebhookDelivery,
};

/**
 * Job ids are predictable so that enqueuing the same work twice is a no-op while the first is
 * waiting or running. `trigger` distinguishes a deliberate re-run (e.g. a reservation woken up
 * because the codes it waited for now exist) from a duplicate.
 */
export function jobId<J extends JobName>(
  name: J,
  payload: JobPayloads[J],
  trigger?: string,
): string {
  const subject = Object.values(payload).join('.');
  return trigger ? `${name}.${subject}.${trigger}` : `${name}.${subject}`;
}
