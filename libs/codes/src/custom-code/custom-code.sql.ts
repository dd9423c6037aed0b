/**
 * Codes customers bring (type `custom`, see ingestion): written in bulk into one workorder, in
 * the caller's transaction. The fast path COPYs straight into unique_code; a file the unique
 * indexes refuse (or one with posted duplicates to drop) is staged instead and checked as a set.
 */

/** Fast path: straight into the table; a duplicate id aborts it (see the savepoint). */
export const COPY_CUSTOM_CODES = `
  COPY unique_code (account, type, status, workorder, user_created, code, product, digital_link,
    activation_status, blacklist_reason, scm_data)
  FROM STDIN`;

/** What the foreign keys of every code of a file would check, once, key-share locked. */
export const LOCK_CUSTOM_CODE_PARENTS = `
  WITH a AS (SELECT 1 FROM account WHERE id = $1 FOR KEY SHARE),
       w AS (SELECT 1 FROM workorder WHERE id = $2 FOR KEY SHARE),
       u AS (SELECT 1 FROM app_user WHERE id = $3 FOR KEY SHARE),
       p AS (SELECT id FROM product WHERE id = ANY($4::text[]) FOR KEY SHARE)
  SELECT EXISTS (SELECT 1 FROM a) AS account,
         EXISTS (SELECT 1 FROM w) AS workorder,
         ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM u)) AS user_created,
         (SELECT count(*) FROM p) = cardinality($4::text[]) AS product`;

export const CREATE_CUSTOM_STAGING = `
  CREATE TEMP TABLE IF NOT EXISTS custom_code_staging (
    line integer, code text, product text, digital_link text, activation_status smallint,
    blacklist_reason text, scm_data jsonb
  ) ON COMMIT DROP`;

export const TRUNCATE_CUSTOM_STAGING = `TRUNCATE custom_code_staging`;

export const COPY_CUSTOM_STAGING = `
  COPY custom_code_staging (line, code, product, digital_link, activation_status, blacklist_reason,
    scm_data)
  FROM STDIN`;

/** Ids posted more than once: the first `$1`, and how many there are. */
export const POSTED_DUPLICATES = `
  WITH d AS (SELECT code, min(line) AS line FROM custom_code_staging GROUP BY code HAVING count(*) > 1)
  SELECT (SELECT coalesce(array_agg(code ORDER BY line), '{}')
          FROM (SELECT code, line FROM d ORDER BY line LIMIT $1) f) AS ids,
         (SELECT count(*)::int FROM d) AS count`;

/** Posted ids some code already has: the first `$1`, and how many there are. */
export const EXISTING_CODES = `
  WITH e AS (
    SELECT DISTINCT ON (s.code) s.code, s.line
    FROM custom_code_staging s
    JOIN unique_code u ON u.type = 'custom' AND u.code = s.code
    ORDER BY s.code, s.line
  )
  SELECT (SELECT coalesce(array_agg(code ORDER BY line), '{}')
          FROM (SELECT code, line FROM e ORDER BY line LIMIT $1) f) AS ids,
         (SELECT count(*)::int FROM e) AS count`;

/** The staged file, the first of each posted id only. */
export const INSERT_STAGED_CUSTOM_CODES = `
  INSERT INTO unique_code (account, type, status, workorder, user_created, code, product, digital_link,
    activation_status, blacklist_reason, scm_data)
  SELECT DISTINCT ON (s.code) $1::uuid, 'custom', 'assigned', $2::bigint, $3::uuid, s.code, s.product,
    s.digital_link, s.activation_status, s.blacklist_reason, s.scm_data
  FROM custom_code_staging s
  ORDER BY s.code, s.line`;

/** Codes per batch of a workorder file. */
export const WORKORDER_BATCH_SIZE = 20_000;

/**
 * A workorder's codes as its `codes.csv` (header included), in code order: the platform's id of
 * the code, the uploaded id, its 1-based position, its batch of WORKORDER_BATCH_SIZE, its link.
 * COPY takes no bind parameters: the id is a bigint checked by the caller.
 */
export function workorderCodesCsv(workorder: string): string {
  if (!/^[0-9]{1,18}$/.test(workorder)) throw new Error(`Not a workorder id: ${workorder}`);
  return `
    COPY (
      SELECT id AS extended_id, code AS serial_number, n AS sequence_number,
        (n - 1) / ${WORKORDER_BATCH_SIZE} + 1 AS batch_number, digital_link AS url
      FROM (
        SELECT id, code, digital_link, row_number() OVER (ORDER BY code) AS n
        FROM unique_code WHERE workorder = ${workorder}
      ) c
      ORDER BY n
    ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/** The link of a workorder's first code (its sample QR image). */
export const FIRST_WORKORDER_LINK = `
  SELECT digital_link FROM unique_code WHERE workorder = $1 ORDER BY code LIMIT 1`;
