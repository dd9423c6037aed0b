export const INSERT_WEBHOOK = `
  INSERT INTO webhook (account, url, events, active, secret, user_created)
  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`;

/**
 * Many webhooks in one statement (all or none), their ids given: $1 is a JSON array of rows. One
 * parameter whatever the number of rows, so no batch reaches PostgreSQL's bind-parameter limit.
 */
export const INSERT_WEBHOOKS = `
  INSERT INTO webhook (id, account, url, events, active, secret, user_created)
  SELECT r.id, r.account, r.url, ARRAY(SELECT jsonb_array_elements_text(r.events)), r.active,
    r.secret, r.user_created
  FROM jsonb_to_recordset($1::jsonb) AS r(
    id uuid, account uuid, url text, events jsonb, active boolean, secret text, user_created uuid)`;

/** $2 null: any account (an admin). Only the given fields change. */
export const UPDATE_WEBHOOK = `
  UPDATE webhook SET
    url = coalesce($3, url),
    events = coalesce($4, events),
    active = coalesce($5, active),
    user_updated = $6,
    date_updated = now()
  WHERE id = $1 AND ($2::uuid IS NULL OR account = $2)
  RETURNING id`;

export const DELETE_WEBHOOK = `
  DELETE FROM webhook WHERE id = $1 AND ($2::uuid IS NULL OR account = $2) RETURNING id`;

/**
 * One delivery per active webhook of the event's account that subscribed to it and existed when
 * the event happened; an event published twice (or swept after its publication) makes none twice.
 */
export const CREATE_DELIVERIES = `
  INSERT INTO webhook_delivery (account, webhook, event_id, event)
  SELECT w.account, w.id, e.id, e.event
  FROM event_outbox e
  JOIN webhook w ON w.account = e.account AND w.active AND e.event = ANY (w.events)
    AND w.date_created <= e.date_created
  WHERE e.id = ANY($1::uuid[])
  ON CONFLICT (webhook, event_id) DO NOTHING
  RETURNING id`;

/**
 * Published events of the last day that may have found no listener (Redis pub/sub keeps nothing
 * for a consumer that is down): their deliveries are made by the sweep.
 */
export const RECENT_PUBLISHED_EVENTS = `
  SELECT id FROM event_outbox
  WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)
    AND date_created > now() - interval '1 day'
  ORDER BY date_created DESC
  LIMIT 5000`;

export const READ_DELIVERY = `
  SELECT d.id, d.status, d.attempts, w.url, w.secret, w.active,
    e.id AS event_id, e.event, e.account, e.subject, e.data, e.date_created
  FROM webhook_delivery d
  JOIN webhook w ON w.id = d.webhook
  JOIN event_outbox e ON e.id = d.event_id
  WHERE d.id = $1`;

export const RECORD_ATTEMPT = `
  UPDATE webhook_delivery SET
    attempts = attempts + 1,
    status = CASE WHEN $2 THEN 'delivered' ELSE status END,
    delivered_at = CASE WHEN $2 THEN now() ELSE delivered_at END,
    last_response_code = $3,
    last_error = $4,
    date_updated = now()
  WHERE id = $1 AND status = 'pending'`;

export const MARK_DELIVERY_FAILED = `
  UPDATE webhook_delivery SET status = 'failed', last_error = coalesce($2, last_error), date_updated = now()
  WHERE id = $1 AND status = 'pending'`;

/** Recovery: deliveries still pending (their job may be lost), oldest first. */
export const PENDING_DELIVERIES = `
  SELECT id FROM webhook_delivery WHERE status = 'pending' ORDER BY date_created LIMIT $1`;
