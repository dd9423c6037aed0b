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

/**
 * May the generator skip unique_code's per-row foreign-key triggers (and check each chunk's
 * parents once instead)? Only if the role may set session_replication_role (a superuser, or
 * `GRANT SET ON PARAMETER session_replication_role TO <role>`, PostgreSQL 15+) and every trigger
 * of unique_code's own fires the same under `replica` as without it: enabled ALWAYS (the count
 * tally's, see the CodeTally migration) or disabled. Skipping must never silence anything but the
 * foreign-key checks, nor fire a trigger enabled for replicas only.
 */
export const BULK_WRITE_ALLOWED = `
  SELECT has_parameter_privilege('session_replication_role', 'SET')
    AND NOT EXISTS (
      SELECT 1 FROM pg_trigger WHERE tgrelid = 'unique_code'::regclass AND NOT tgisinternal
        AND tgenabled NOT IN ('A', 'D')
    )
    AND NOT EXISTS (SELECT 1 FROM pg_rules WHERE tablename = 'unique_code') AS allowed`;

/**
 * What the foreign keys of every code of a chunk would check (its job row is locked already):
 * each parent exists, key-share locked until commit so that nobody deletes it meanwhile.
 */
export const LOCK_CODE_PARENTS = `
  WITH a AS (SELECT 1 FROM account WHERE id = $1 FOR KEY SHARE),
       p AS (SELECT 1 FROM product WHERE id = $2 FOR KEY SHARE),
       u AS (SELECT 1 FROM app_user WHERE id = $3 FOR KEY SHARE)
  SELECT EXISTS (SELECT 1 FROM a) AS account,
         ($2::text IS NULL OR EXISTS (SELECT 1 FROM p)) AS product,
         ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM u)) AS user_created`;

/** Until FIRE_ROW_TRIGGERS (or the end of the transaction) the session fires no triggers. */
export const SKIP_ROW_TRIGGERS = `SET LOCAL session_replication_role = replica`;

export const FIRE_ROW_TRIGGERS = `SET LOCAL session_replication_role TO DEFAULT`;

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

/**
 * How many codes share a code space: those identifier jobs made or are about to make ($3 excludes
 * the job being checked), plus codes registered one by one. The space of a type is its product's,
 * except for short codes, which are unique system-wide: all of them share one space, whatever
 * their product or account. Counted from the small identifier_job table so that creating a job
 * never scans millions of codes; the codes made outside jobs are found through the
 * identifier_job index (they have none).
 */
export const COUNT_EXISTING = `
  SELECT (
    (SELECT COALESCE(sum(CASE WHEN status = 'error' THEN quantity_created ELSE quantity END), 0)
     FROM identifier_job
     WHERE (type = 'short_code' OR product IS NOT DISTINCT FROM $1) AND type = $2
       AND id IS DISTINCT FROM $3::uuid)
    +
    (SELECT count(*) FROM unique_code
     WHERE identifier_job IS NULL AND (type = 'short_code' OR product IS NOT DISTINCT FROM $1)
       AND type = $2)
  )::float8 AS count`;

export const DISCARD_UNASSIGNED = `
  DELETE FROM unique_code WHERE identifier_job = $1 AND status = 'unassigned'`;

export const MARK_FAILED = `
  UPDATE identifier_job
  SET status = 'error', error_message = $2, date_updated = now(),
      quantity_created = (SELECT count(*) FROM unique_code WHERE identifier_job = $1)
  WHERE id = $1
  RETURNING account, type, product, quantity, quantity_created`;
