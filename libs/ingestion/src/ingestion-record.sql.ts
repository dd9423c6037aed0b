/** The columns of a record as the API shows them (`id` as a number, as Scantrust's). */
const RECORD = `
  id::int AS id, key, account, description, status, type, ingestion_mode, filetype, object_key,
  created_at, created_by, status_updated_at, parameters, result_data`;

export const INSERT_RECORD = `
  INSERT INTO ingestion_record (key, account, filetype, object_key, created_by)
  VALUES ($1, $2, $3, $4, $5)
  RETURNING ${RECORD}`;

/** A record by key; `$2` NULL for an admin (any account). */
export const RECORD_BY_KEY = `
  SELECT ${RECORD} FROM ingestion_record
  WHERE key = $1 AND ($2::uuid IS NULL OR account = $2)`;

export const RECORD_BY_ID = `SELECT ${RECORD} FROM ingestion_record WHERE id = $1`;

/** Filters: `$1` account (NULL: any), `$2` type, `$3` status, `$4` ingestion_mode (NULL: any). */
const LIST_WHERE = `
  WHERE ($1::uuid IS NULL OR account = $1) AND ($2::text IS NULL OR type = $2)
    AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR ingestion_mode = $4)`;

export const COUNT_RECORDS = `SELECT count(*)::int AS count FROM ingestion_record ${LIST_WHERE}`;

/** Newest first; `$5` limit, `$6` offset. */
export const LIST_RECORDS = `
  SELECT ${RECORD} FROM ingestion_record ${LIST_WHERE}
  ORDER BY id DESC LIMIT $5 OFFSET $6`;

/**
 * `uploading` → `processing` with the parameters of `process`. The row is locked NOWAIT: a
 * record a worker is writing is not waited for.
 */
export const START_PROCESSING = `
  UPDATE ingestion_record
  SET status = 'processing', parameters = $2, status_updated_at = now()
  WHERE id = $1 AND status = 'uploading'
  RETURNING ${RECORD}`;

/**
 * The row, locked NOWAIT (55P03 when a worker holds it: it is writing the file's codes, and the
 * record can no longer be cancelled).
 */
export const LOCK_RECORD_NOWAIT = `
  SELECT ${RECORD} FROM ingestion_record WHERE id = $1 FOR UPDATE NOWAIT`;

export const CANCEL_RECORD = `
  UPDATE ingestion_record SET status = 'cancelled', status_updated_at = now()
  WHERE id = $1 AND status IN ('uploading', 'processing')
  RETURNING ${RECORD}`;

/** The worker holds the record for the whole write of its file. */
export const LOCK_RECORD = `SELECT ${RECORD} FROM ingestion_record WHERE id = $1 FOR UPDATE`;

export const FINISH_RECORD = `
  UPDATE ingestion_record SET status = $2, result_data = $3, status_updated_at = now()
  WHERE id = $1 AND status = 'processing'
  RETURNING account, key`;

/** Records PostgreSQL says are being processed (for the recovery sweep). */
export const UNFINISHED_RECORDS = `
  SELECT id::text AS id FROM ingestion_record WHERE status = 'processing'
  ORDER BY created_at LIMIT $1`;
