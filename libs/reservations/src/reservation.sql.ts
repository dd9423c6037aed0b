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

/** The identifier job already asked for on behalf of a reservation, if still running or failed. */
export const LATEST_AUTO_JOB = `
  SELECT id, status, error_message FROM identifier_job
  WHERE code_reservation = $1
  ORDER BY date_created DESC
  LIMIT 1`;

/**
 * How to make more codes like the pool's: the pool policy of the same codes if there is one, else
 * the settings of the latest job for them. $1 account, $2 code type, $3 product.
 */
export const CODE_SETTINGS = `
  SELECT * FROM (
    SELECT 0 AS rank, length, character_set, NULL::uuid AS domain, sscc_company_prefix,
      sscc_extension_digit, false AS epc_mode, coalesce(user_updated, user_created) AS user_created
    FROM code_pool
    WHERE account = $1 AND code_type = $2 AND product IS NOT DISTINCT FROM $3
    UNION ALL (
      SELECT 1, length, character_set, domain, sscc_company_prefix, sscc_extension_digit, epc_mode,
        user_created
      FROM identifier_job
      WHERE account = $1 AND type = $2 AND product IS NOT DISTINCT FROM $3
      ORDER BY date_created DESC
      LIMIT 1)
  ) settings
  ORDER BY rank
  LIMIT 1`;

/** The identifier job a short reservation asks for; it points back at the reservation. */
export const INSERT_AUTO_JOB = `
  INSERT INTO identifier_job (id, account, quantity, type, product, length, character_set, domain,
    sscc_company_prefix, sscc_extension_digit, epc_mode, reference_id, code_reservation, user_created)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/** A reservation that waits for codes is in progress, even before it holds any. */
export const MARK_IN_PROGRESS = `
  UPDATE code_reservation SET status = 'in_progress', date_updated = now()
  WHERE id = $1 AND status = 'new'`;
