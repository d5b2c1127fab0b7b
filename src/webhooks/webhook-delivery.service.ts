import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from 'src/webhooks/domain/webhook-signature';
import { MATCH_CREATED, matchCreatedEventBody } from 'src/webhooks/domain/match-created-event';
import { WEBHOOK_DELIVERY } from 'src/webhooks/webhook-delivery.settings';
import { WebhookEventsRepository } from 'src/webhooks/webhook-events.repository';
import { WebhookSecretCipher, WebhookSecretUnreadableError } from 'src/webhooks/webhook-secret-cipher';
import { WebhookSender } from 'src/webhooks/webhook-sender';

export type DeliveryResult = 'delivered' | 'skipped' | 'cancelled';

/** A failed attempt; the queue retries it with backoff unless it was the last. */
export class WebhookAttemptFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookAttemptFailedError';
  }
}

const USER_AGENT = 'ProcurementMatch-Webhooks/1';

/** One delivery attempt of one event: sign, POST, log the attempt, settle the event when it is over. */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly sender: WebhookSender,
  ) {}

  /**
   * Attempts delivery. Resolves when the event is delivered or needs nothing more (already settled,
   * subscription deleted); throws {@link WebhookAttemptFailedError} for the queue to retry, or
   * UnrecoverableError when retrying cannot help.
   */
  async deliver(eventId: string, options: { lastAttempt: boolean }): Promise<DeliveryResult> {
    const event = await this.events.findForDelivery(eventId);
    if (!event || event.status !== 'pending') return 'skipped';
    if (event.subscriptionDeleted) {
      await this.events.cancel(eventId);
      return 'cancelled';
    }
    const attempt = await this.events.startAttempt(eventId);
    if (attempt === null) return 'skipped';
    const attemptedAt = new Date();
    const log = { eventId, subscriptionId: event.subscriptionId, attempt, attemptedAt };

    let secret: string;
    try {
      secret = this.cipher.decrypt(event.subscriptionId, event.secretEncrypted);
    } catch (error) {
      const message = error instanceof WebhookSecretUnreadableError ? error.message : 'the secret could not be read';
      await this.events.recordAttempt({ ...log, succeeded: false, statusCode: null, error: message, durationMs: 0 }, 'failed');
      throw new UnrecoverableError(`webhook event ${eventId}: ${message}`);
    }

    // The body is rebuilt from the frozen snapshot, so every attempt sends the same bytes; only the
    // timestamp (and so the signature) is fresh, keeping receivers' replay windows meaningful.
    const body = matchCreatedEventBody({ id: event.id, createdAt: event.createdAt, snapshot: event.payload });
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [EVENT_ID_HEADER]: event.id,
      [EVENT_TYPE_HEADER]: MATCH_CREATED,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
      'x-pm-delivery-attempt': String(attempt),
    };
    const outcome = await this.sender.send(event.url, headers, body, WEBHOOK_DELIVERY.timeoutMs);
    const settles = outcome.succeeded ? 'delivered' : options.lastAttempt ? 'failed' : null;
    await this.events.recordAttempt({ ...log, ...outcome }, settles);
    if (!outcome.succeeded) throw new WebhookAttemptFailedError(`webhook event ${eventId} attempt ${attempt}: ${outcome.error}`);
    return 'delivered';
  }
}
