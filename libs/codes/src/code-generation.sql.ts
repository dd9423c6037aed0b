/**
 * The generator's SQL. Each chunk of codes is one transaction that holds the job's row lock, so
 * two workers given the same job (a retry, a stalled lock) write one after the other and the
 * second sees what the first committed.
 */
export const LOCK_JOB = `
  SELECT j.quantity, j.quantity_created, j.status
  FROM identifier_job j
  WHERE j.id = $1
  FOR UPDATE`;

/** Fast path: straight into the table. Any unique violation aborts it (see the savepoint). */
export const COPY_CODES = `
  COPY unique_code (account, type, product, identifier_job, user_created, code, digital_link, epc_join_key,
    epc_uri, epc_hex)
  FROM STDIN`;

/** Slow path after a collision: stage the chunk, keep only codes nobody has. */
export const CREATE_STAGING = `
  CREATE TEMP TABLE IF NOT EXISTS unique_code_staging (
    code text, digital_link text, epc_join_key text, epc_uri text, epc_hex text
  ) ON COMMIT DELETE ROWS`;

export const COPY_STAGING = `
  COPY unique_code_staging (code, digital_link, epc_join_key, epc_uri, epc_hex) FROM STDIN`;

export const INSERT_FROM_STAGING = `
  INSERT INTO unique_code (account, type, product, identifier_job, user_created, code, digital_link, epc_join_key,
    epc_uri, epc_hex)
  SELECT DISTINCT ON (s.code) $1::uuid, $2, $3, $4::uuid, $5::uuid, s.code, s.digital_link, s.epc_join_key,
    s.epc_uri, s.epc_hex
  FROM unique_code_staging s
  ON CONFLICT DO NOTHING`;

export const TRUNCATE_STAGING = `TRUNCATE unique_code_staging`;

export const ADD_CREATED = `
  UPDATE identifier_job
  SET quantity_created = quantity_created + $2, status = 'in_progress', date_updated = now()
  WHERE id = $1
  RETURNING quantity_created`;

/**
 * Takes `$4` consecutive SSCC serial references for a company prefix and extension digit,
 * starting no lower than the job's `sscc_start_serial` ($3). The counter row stays locked until
 * the chunk commits, so concurrent jobs for the same prefix get disjoint ranges.
 */
export const CLAIM_SSCC_RANGE = `
  INSERT INTO sscc_sequence AS s (company_prefix, extension_digit, next_serial)
  VALUES ($1, $2, $3::bigint + $4::bigint)
  ON CONFLICT (company_prefix, extension_digit)
  DO UPDATE SET next_serial = GREATEST(s.next_serial, $3::bigint) + $4::bigint
  RETURNING next_serial - $4::bigint AS first`;

/** The next serial reference the counter would hand out (none yet: 0). */
export const SSCC_NEXT_SERIAL = `
  SELECT coalesce(max(next_serial), 0)::text AS next
  FROM sscc_sequence WHERE company_prefix = $1 AND extension_digit = $2`;

export const COUNT_EXISTING = `
  SELECT count(*)::int AS count FROM unique_code WHERE product IS NOT DISTINCT FROM $1 AND type = $2`;

export const DISCARD_UNASSIGNED = `
  DELETE FROM unique_code WHERE identifier_job = $1 AND status = 'unassigned'`;

export const MARK_FAILED = `
  UPDATE identifier_job
  SET status = 'error', error_message = $2, date_updated = now(),
      quantity_created = (SELECT count(*) FROM unique_code WHERE identifier_job = $1)
  WHERE id = $1`;
