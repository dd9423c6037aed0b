import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header of every delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Sid-Signature';
/** How old a signature a receiver should accept (replays older than this are refused). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new webhook secret, shown once when the webhook is created. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Signs a delivery as Stripe does: the HMAC covers the timestamp and the exact body, so a
 * receiver that checks both (and the timestamp's age) refuses altered and replayed deliveries.
 */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does; used by the tests as a receiver would. */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  now = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || Math.abs(now - timestamp) > toleranceSeconds)
    return false;
  const expected = signWebhook(secret, body, timestamp).split('v1=')[1];
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
