import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobsService } from 'src/queue/jobs.service';
import { JOB_PRIORITY, jobIdOf, WEBHOOKS_QUEUE } from 'src/queue/queue.definitions';
import { MatchScope, WebhookEventsRepository } from 'src/webhooks/webhook-events.repository';
import { WEBHOOK_DELIVERY } from 'src/webhooks/webhook-delivery.settings';

// How many owed events one reconcile pass re-enqueues at most; the next pass takes the rest.
const RECONCILE_BATCH = 1000;

/**
 * Turns match writes into webhook events (an outbox written in the match's own transaction) and
 * hands them to the delivery queue after commit. What matching calls; nothing here speaks HTTP.
 */
@Injectable()
export class WebhookEventsService {
  private readonly logger = new Logger(WebhookEventsService.name);

  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly jobs: JobsService,
  ) {}

  /**
   * Call inside the transaction that wrote the matches in `scope`: records an event for each live
   * subscription that newly qualifies. Pass the returned ids to {@link enqueueDeliveries} after commit.
   */
  recordMatchEvents(manager: EntityManager, scope: MatchScope, now = new Date()): Promise<string[]> {
    return this.events.recordMatchEvents(manager, scope, now);
  }

  /**
   * Enqueues delivery of committed events. Never throws: the events are stored, and if Redis is away
   * now the reconciler enqueues them later, so the match write that produced them stands.
   */
  async enqueueDeliveries(eventIds: string[]): Promise<void> {
    for (const eventId of eventIds) {
      try {
        await this.enqueueDelivery(eventId);
      } catch (error) {
        this.logger.warn(`webhook event ${eventId} not enqueued now (the reconciler will): ${(error as Error).message}`);
      }
    }
  }

  /** Re-enqueues events still owed delivery; a job already in flight is joined, not duplicated. */
  async reconcile(now = new Date()): Promise<number> {
    const owed = await this.events.pendingEventIds(new Date(now.getTime() - WEBHOOK_DELIVERY.reconcileAfterMs), RECONCILE_BATCH);
    for (const eventId of owed) await this.enqueueDelivery(eventId);
    return owed.length;
  }

  private async enqueueDelivery(eventId: string): Promise<void> {
    const payload = { eventId };
    // Delivery has a retry policy of its own (see WEBHOOK_DELIVERY); the queue's defaults do the rest.
    await this.jobs.queue(WEBHOOKS_QUEUE).add('webhook.deliver', payload, {
      jobId: jobIdOf('webhook.deliver', payload),
      priority: JOB_PRIORITY['webhook.deliver'],
      attempts: WEBHOOK_DELIVERY.attempts,
      backoff: { type: 'exponential', delay: WEBHOOK_DELIVERY.backoffDelayMs },
    });
  }
}
