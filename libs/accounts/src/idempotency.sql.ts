/** SQL of idempotency keys (idempotency_key), kept per account for 24 hours. */

/**
 * Claims a key for a request: a new key, one older than 24 hours, or one whose first request
 * (same fingerprint) was abandoned while running more than 5 minutes ago. Returns a row only
 * when claimed.
 */
export const CLAIM_KEY = `
  INSERT INTO idempotency_key AS k (account, key, fingerprint, status)
  VALUES ($1, $2, $3, 'running')
  ON CONFLICT (account, key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, status = 'running', response_status = NULL,
        response_body = NULL, date_created = now()
    WHERE k.date_created < now() - interval '24 hours'
       OR (k.status = 'running' AND k.fingerprint = EXCLUDED.fingerprint
           AND k.date_created < now() - interval '5 minutes')
  RETURNING true AS claimed`;

export const READ_KEY = `
  SELECT fingerprint, status, response_status, response_body
  FROM idempotency_key WHERE account = $1 AND key = $2`;

export const COMPLETE_KEY = `
  UPDATE idempotency_key SET status = 'done', response_status = $4, response_body = $5::jsonb
  WHERE account = $1 AND key = $2 AND fingerprint = $3 AND status = 'running'`;

/** The first request failed without effect: the key is free for a retry. */
export const RELEASE_KEY = `
  DELETE FROM idempotency_key
  WHERE account = $1 AND key = $2 AND fingerprint = $3 AND status = 'running'`;
