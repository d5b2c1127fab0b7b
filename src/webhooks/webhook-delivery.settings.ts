/** How webhook deliveries are attempted. */
export interface WebhookDeliverySettings {
  /** Attempts per event, the first included. */
  attempts: number;
  /** The wait before the first retry, in ms; each later wait doubles it. */
  backoffDelayMs: number;
  /** How long one attempt may take, connection and response included, in ms. */
  timeoutMs: number;
  /** How often the reconciler looks for events owed delivery whose job Redis lost, in ms. */
  reconcileEveryMs: number;
  /** How old a pending event must be before the reconciler re-enqueues it, in ms. */
  reconcileAfterMs: number;
}

// 10 attempts from 2 s (2, 4, 8 … 512 s between them) keep trying for about 17 minutes: long
// enough to ride out a subscriber's deploy or restart, short enough that an alert is still news.
// A plain object rather than configuration: the e2e tests shorten the backoff in their own process.
export const WEBHOOK_DELIVERY: WebhookDeliverySettings = {
  attempts: 10,
  backoffDelayMs: 2000,
  timeoutMs: 5000,
  reconcileEveryMs: 60_000,
  reconcileAfterMs: 60_000,
};

/** At most this many live subscriptions per supplier. */
export const MAX_WEBHOOKS_PER_SUPPLIER = 10;
