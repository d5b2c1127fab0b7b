import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MATCH_CREATED, MatchCreatedSnapshot } from 'src/webhooks/domain/match-created-event';
import type { WebhookEventStatus } from 'src/webhooks/webhook.entity';

/** Which freshly written matches to look at: one need's, or one supplier's across some needs. */
export type MatchScope = { needId: string } | { supplierId: string; needIds: string[] };

/** An event as its delivery needs it, with its subscription. */
export interface EventForDelivery {
  id: string;
  subscriptionId: string;
  status: WebhookEventStatus;
  attempts: number;
  createdAt: Date;
  payload: MatchCreatedSnapshot;
  url: string;
  secretEncrypted: string;
  subscriptionDeleted: boolean;
}

export interface DeliveryAttempt {
  eventId: string;
  subscriptionId: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

/** The worker side of webhooks: the outbox of events and the log of their delivery attempts. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a `match.created` event for every live subscription whose supplier now holds a match on an
   * open need at or above its minScore and was never told about that need, inside the caller's
   * transaction (the one that wrote the matches). Returns the new events' ids.
   *
   * Most match writes meet no subscription: the join starts from the (at most a few hundred) matches
   * in scope and probes the partial index of live subscriptions, and the rank is only counted for
   * rows that qualify. ON CONFLICT covers a concurrent writer that recorded the same pair first.
   */
  async recordMatchEvents(manager: EntityManager, scope: MatchScope, now: Date): Promise<string[]> {
    const [needIds, supplierId] = 'needId' in scope ? [[scope.needId], null] : [scope.needIds, scope.supplierId];
    if (needIds.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO webhook_events (subscription_id, need_id, supplier_id, type, payload, status, attempts, created_at)
       SELECT s.id, m.need_id, m.supplier_id, $3,
         jsonb_build_object(
           'need', jsonb_build_object('id', n.id, 'title', n.title, 'submissionDeadline', n.submission_deadline,
                                      'budgetMin', n.budget_min, 'budgetMax', n.budget_max),
           'match', jsonb_build_object(
             'score', m.score,
             -- Counted the way the ranked list counts it (score, then supplier id).
             'rank', (SELECT count(*) + 1 FROM matches r
                      WHERE r.need_id = m.need_id AND (r.score > m.score OR (r.score = m.score AND r.supplier_id < m.supplier_id))),
             'explanation', m.explanation)),
         'pending', 0, $4
       FROM matches m
       JOIN webhook_subscriptions s ON s.supplier_id = m.supplier_id AND s.deleted_at IS NULL AND m.score >= s.min_score
       JOIN procurement_needs n ON n.id = m.need_id AND n.status = 'open'
       WHERE m.need_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR m.supplier_id = $2::uuid)
         AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.subscription_id = s.id AND e.need_id = m.need_id)
       ON CONFLICT (subscription_id, need_id) DO NOTHING
       RETURNING id`,
      [needIds, supplierId, MATCH_CREATED, now],
    );
    return rows.map((row) => row.id);
  }

  async findForDelivery(eventId: string): Promise<EventForDelivery | null> {
    const [row] = await this.dataSource.query(
      `SELECT e.id, e.subscription_id AS "subscriptionId", e.status, e.attempts, e.created_at AS "createdAt", e.payload,
              s.url, s.secret_encrypted AS "secretEncrypted", s.deleted_at IS NOT NULL AS "subscriptionDeleted"
       FROM webhook_events e JOIN webhook_subscriptions s ON s.id = e.subscription_id WHERE e.id = $1`,
      [eventId],
    );
    return row ?? null;
  }

  /**
   * Numbers the next attempt of a pending event (null when it is no longer pending). Counted here
   * rather than taken from the queue, so a job re-run after a crash still gets a number of its own.
   */
  async startAttempt(eventId: string): Promise<number | null> {
    // Wrapped in a CTE so that the driver answers rows, as for any SELECT (a bare UPDATE answers [rows, count]).
    const rows: { attempts: number }[] = await this.dataSource.query(
      `WITH started AS (UPDATE webhook_events SET attempts = attempts + 1 WHERE id = $1 AND status = 'pending' RETURNING attempts)
       SELECT attempts FROM started`,
      [eventId],
    );
    return rows[0]?.attempts ?? null;
  }

  /** Logs an attempt and, when it settles the event (delivered, or out of attempts), records that too. */
  async recordAttempt(attempt: DeliveryAttempt, settles: 'delivered' | 'failed' | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO webhook_deliveries (event_id, subscription_id, attempt, succeeded, status_code, error, duration_ms, attempted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (event_id, attempt) DO NOTHING`,
        [
          attempt.eventId,
          attempt.subscriptionId,
          attempt.attempt,
          attempt.succeeded,
          attempt.statusCode,
          attempt.error,
          attempt.durationMs,
          attempt.attemptedAt,
        ],
      );
      if (settles) {
        await manager.query(
          `UPDATE webhook_events SET status = $2, delivered_at = $3 WHERE id = $1 AND status = 'pending'`,
          [attempt.eventId, settles, settles === 'delivered' ? attempt.attemptedAt : null],
        );
      }
    });
  }

  async cancel(eventId: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_events SET status = 'cancelled' WHERE id = $1 AND status = 'pending'`, [eventId]);
  }

  /** Pending events older than `before`, oldest first (their delivery job may have been lost with Redis). */
  async pendingEventIds(before: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM webhook_events WHERE status = 'pending' AND created_at < $1 ORDER BY created_at, id LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => row.id);
  }
}
