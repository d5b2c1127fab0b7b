import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-pm-signature';
export const TIMESTAMP_HEADER = 'x-pm-timestamp';
export const EVENT_ID_HEADER = 'x-pm-event-id';
export const EVENT_TYPE_HEADER = 'x-pm-event-type';

/**
 * The `x-pm-signature` value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<raw body>`, keyed
 * with the subscription's secret exactly as it was shown (its hex text, as UTF-8). The timestamp
 * (Unix seconds, also sent as `x-pm-timestamp`) is signed so that a captured request cannot be
 * replayed later: receivers should refuse timestamps more than a few minutes old.
 */
export function signWebhookBody(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhookSignature(secret: string, timestamp: number, rawBody: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
