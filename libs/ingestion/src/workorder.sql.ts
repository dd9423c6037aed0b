const WORKORDER = `
  id::int AS id, account, ingestion_record::int AS ingestion_record, reference, remarks, status,
  quantity, is_archived, file_key, file_size::float8 AS file_size, file_checksum, created_by,
  created_at, completed_at`;

export const INSERT_WORKORDER = `
  INSERT INTO workorder (account, ingestion_record, reference, quantity, created_by)
  VALUES ($1, $2, $3, 0, $4)
  RETURNING id::text AS id`;

export const SET_QUANTITY = `UPDATE workorder SET quantity = $2 WHERE id = $1`;

/** A workorder by id; `$2` NULL for an admin (any account). */
export const WORKORDER_BY_ID = `
  SELECT ${WORKORDER} FROM workorder WHERE id = $1 AND ($2::uuid IS NULL OR account = $2)`;

/** `$1` account (NULL: any), `$2` is_archived (NULL: both), `$3` search (NULL: none). */
const LIST_WHERE = `
  WHERE ($1::uuid IS NULL OR account = $1) AND ($2::boolean IS NULL OR is_archived = $2)
    AND ($3::text IS NULL OR reference ILIKE $3 OR remarks ILIKE $3)`;

export const COUNT_WORKORDERS = `SELECT count(*)::int AS count FROM workorder ${LIST_WHERE}`;

export const LIST_WORKORDERS = `
  SELECT ${WORKORDER} FROM workorder ${LIST_WHERE} ORDER BY id DESC LIMIT $4 OFFSET $5`;

/** Stores the file of a workorder: only once, only while it is processing. */
export const COMPLETE_WORKORDER = `
  UPDATE workorder
  SET status = 'completed', file_key = $2, file_size = $3, file_checksum = $4, completed_at = now()
  WHERE id = $1 AND status = 'processing'
  RETURNING account, ingestion_record, quantity`;

/** Workorders whose file is still to be made (for the recovery sweep). */
export const UNFINISHED_WORKORDERS = `
  SELECT id::text AS id FROM workorder WHERE status = 'processing'
  ORDER BY created_at LIMIT $1`;
