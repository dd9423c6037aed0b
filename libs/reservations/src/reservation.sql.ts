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

export const ADD_RESERVED = `
  UPDATE code_reservation
  SET quantity_reserved = quantity_reserved + $2, status = 'in_progress', date_updated = now()
  WHERE id = $1
  RETURNING quantity_reserved`;

/** Codes not yet used go back to the pool; assigned and encoded codes stay with the reservation. */
export const RELEASE_RESERVED = `
  UPDATE unique_code SET status = 'unassigned', reservation = NULL, date_updated = now()
  WHERE reservation = $1 AND status = 'reserved'`;

export const SET_FINAL_STATUS = `
  UPDATE code_reservation
  SET status = $2, error_message = $3, date_updated = now(), user_updated = COALESCE($4, user_updated),
      quantity_reserved = (SELECT count(*) FROM unique_code WHERE reservation = $1)
  WHERE id = $1`;

/** The identifier job already asked for on behalf of a reservation, if still running or failed. */
export const LATEST_AUTO_JOB = `
  SELECT id, status, error_message FROM identifier_job
  WHERE code_reservation = $1
  ORDER BY date_created DESC
  LIMIT 1`;

/** How to make more codes like the pool's: the settings of the latest job for the same codes. */
export const LATEST_JOB_SETTINGS = `
  SELECT length, character_set, domain, sscc_company_prefix, sscc_extension_digit, user_created
  FROM identifier_job
  WHERE account = $1 AND type = $2 AND product IS NOT DISTINCT FROM $3
  ORDER BY date_created DESC
  LIMIT 1`;
