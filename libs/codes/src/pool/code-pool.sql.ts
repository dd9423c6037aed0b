/**
 * The pool check, one statement for every pool (or one, `$1`): a pool below its minimum gets a
 * refill job. The partial unique index `identifier_job_one_refill_per_pool` makes "never two at
 * once" hold even when checks race: the second INSERT meets the first's row and does nothing.
 * A pool whose latest refill failed waits until its policy is changed (the failure is visible on
 * `refill_job`), rather than making a failing job every check.
 */
export const CREATE_REFILL_JOBS = `
  INSERT INTO identifier_job (account, quantity, type, product, length, character_set,
    sscc_company_prefix, sscc_extension_digit, reference_id, code_pool, user_created)
  SELECT l.account, l.refill_quantity, l.code_type, l.product, l.length, l.character_set,
    l.sscc_company_prefix, l.sscc_extension_digit, 'pool refill', l.id, coalesce(l.user_updated, l.user_created)
  FROM code_pool_level l
  LEFT JOIN identifier_job last ON last.id = l.refill_job
  WHERE ($1::uuid IS NULL OR l.id = $1)
    AND l.unassigned_count < l.min_unassigned
    AND (last.id IS NULL OR last.status <> 'error' OR l.date_updated > last.date_created)
  ON CONFLICT (code_pool) WHERE status IN ('new', 'in_progress') DO NOTHING
  RETURNING id, account, code_pool, product, type, quantity`;
