/**
 * Claims follow graphile-worker's shape: a CTE picks free rows `FOR UPDATE SKIP LOCKED` (so
 * concurrent claimers never wait on, or take, each other's rows) and an UPDATE stamps them with
 * the reservation that now holds them. Each claim runs in the same transaction as the locked
 * reservation row, so a retried or duplicated job continues its own claim instead of taking more.
 */
export const LOCK_RESERVATION = `
  SELECT id, account, status, quantity, quantity_reserved, product, code_type, export_file
  FROM code_reservation
  WHERE id = $1
  FOR UPDATE`;

const claim = (productCondition: string) => `
  WITH picked AS (
    SELECT id FROM unique_code
    WHERE ${productCondition} AND type = $2 AND status = 'unassigned' AND account = $3
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  UPDATE unique_code u
  SET status = 'reserved', reservation = $5, date_updated = now()
  FROM picked
  WHERE u.id = picked.id`;

/** $1 product, $2 type, $3 account, $4 how many, $5 reservation. */
export const CLAIM_CODES_OF_PRODUCT = claim('product = $1');
/** Same, for codes without a product (SSCC, short codes); $1 is unused but bound as NULL. */
export const CLAIM_CODES_WITHOUT_PRODUCT = claim('product IS NULL AND $1::text IS NULL');

/** Counts $2 more codes held by reservation $1 (claimed, or reserved by a batch update). */
export const ADD_RESERVED = `
  UPDATE code_reservation
  SET quantity_reserved = quantity_reserved + $2, status = 'in_progress', date_updated = now()
  WHERE id = $1
  RETURNING quantity_reserved, quantity_reserved = quantity AS full`;

/** The reservations named by a batch, locked in key order before any code (as claims do). */
export const LOCK_RESERVATIONS = `
  SELECT id, account, product, code_type, status, quantity, quantity_reserved
  FROM code_reservation
  WHERE id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR account = $2)
  ORDER BY id
  FOR UPDATE`;

/** A reservation goes only once it holds no code (used codes keep their reservation). */
export const DELETE_IF_EMPTY = `
  DELETE FROM code_reservation r
  WHERE r.id = $1 AND NOT EXISTS (SELECT 1 FROM unique_code WHERE reservation = r.id)`;

/** The reservation an export is for, with what the file's rows and name need. */
export const READ_FOR_EXPORT = `
  SELECT id, account, status, quantity, quantity_reserved, export_type, export_file, url_suffix,
         reference_id, product, code_type, user_created
  FROM code_reservation
  WHERE id = $1`;

export const LOCK_FOR_FILE = `
  SELECT status, quantity, export_file FROM code_reservation WHERE id = $1 FOR UPDATE`;

export const COMPLETE_WITH_FILE = `
  UPDATE code_reservation SET export_file = $2, status = 'complete', error_message = NULL, date_updated = now()
  WHERE id = $1`;

/** Why the export of a reservation that is still waiting for its file failed. */
export const RECORD_EXPORT_FAILURE = `
  UPDATE code_reservation SET error_message = $2, date_updated = now()
  WHERE id = $1 AND status = 'in_progress' AND export_file IS NULL`;

/**
 * Codes not yet used go back to the pool; assigned and encoded codes stay with the reservation.
 * Rows are locked in key order, as batch updates of codes lock them, so the two never deadlock.
 */
export const RELEASE_RESERVED = `
  UPDATE unique_code u SET status = 'unassigned', reservation = NULL, date_updated = now()
  FROM (
    SELECT id FROM unique_code WHERE reservation = $1 AND status = 'reserved' ORDER BY id FOR UPDATE
  ) held
  WHERE u.id = held.id`;

export const SET_FINAL_STATUS = `
  UPDATE code_reservation
  SET status = $2, error_message = $3, date_updated = now(), user_updated = COALESCE($4, user_updated),
      quantity_reserved = (SELECT count(*) FROM unique_code WHERE reservation = $1)
  WHERE id = $1`;

/** A reservation that waits for codes is in progress, even before it holds any. */
export const MARK_IN_PROGRESS = `
  UPDATE code_reservation SET status = 'in_progress', date_updated = now()
  WHERE id = $1 AND status = 'new'`;

/** Recovery: reservations short of codes that no running identifier job will wake. */
export const UNFINISHED_CLAIMS = `
  SELECT r.id FROM code_reservation r
  WHERE r.status IN ('new', 'in_progress') AND r.quantity_reserved < r.quantity
    AND NOT EXISTS (
      SELECT 1 FROM identifier_job j
      WHERE j.code_reservation = r.id AND j.status IN ('new', 'in_progress'))
  ORDER BY r.date_created
  LIMIT $1`;

/** Recovery: reservations that hold all their codes but have no file yet. */
export const AWAITING_EXPORT = `
  SELECT id FROM code_reservation
  WHERE status = 'in_progress' AND quantity_reserved = quantity AND export_file IS NULL
  ORDER BY date_created
  LIMIT $1`;
