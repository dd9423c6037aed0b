/** One event per (event, subject): recording it again (a handler run twice) does nothing. */
export const INSERT_EVENT = `
  INSERT INTO event_outbox (event, account, subject, data) VALUES ($1, $2, $3, $4)
  ON CONFLICT (event, subject) DO NOTHING`;

/**
 * The oldest unpublished events, locked for this relay (another relay skips them): published and
 * marked in the same transaction, so an event is published at least once, and twice only when a
 * relay dies between publishing and its commit (receivers de-duplicate by id).
 */
export const LOCK_UNPUBLISHED = `
  SELECT id, event, account, subject, data, date_created
  FROM event_outbox WHERE published_at IS NULL
  ORDER BY date_created
  LIMIT $1
  FOR UPDATE SKIP LOCKED`;

export const MARK_PUBLISHED = `
  UPDATE event_outbox SET published_at = now() WHERE id = ANY($1::uuid[])`;
