/** The identifier job a short reservation asks for; it points back at the reservation. */
export const INSERT_RESERVATION_JOB = `
  INSERT INTO identifier_job (id, account, quantity, type, product, length, character_set, domain,
    sscc_company_prefix, sscc_extension_digit, epc_mode, reference_id, code_reservation, user_created)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/** The identifier job last asked for on behalf of reservation $1, whatever its status. */
export const LATEST_RESERVATION_JOB = `
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

/** Recovery: jobs not yet finished, oldest first. */
export const UNFINISHED_JOBS = `
  SELECT id FROM identifier_job
  WHERE status IN ('new', 'in_progress')
  ORDER BY date_created
  LIMIT $1`;

/** The identifier job $1 if it is of account $2 and makes codes of type $3 and product $4. */
export const JOB_MAKING_CODES_LIKE = `
  SELECT 1 FROM identifier_job
  WHERE id = $1 AND account = $2 AND type = $3 AND product IS NOT DISTINCT FROM $4`;
