import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { WebhookSubscriptionEntity } from 'src/webhooks/webhook.entity';

export interface WebhookDeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  needId: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

// Keeps two requests of one supplier from both passing the subscription limit (per supplier, and
// only until the creating transaction ends).
const SUBSCRIBE_LOCK_NAMESPACE = 727_004;

@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(WebhookSubscriptionEntity) private readonly subscriptions: Repository<WebhookSubscriptionEntity>,
  ) {}

  async lockSupplier(manager: EntityManager, supplierId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, [supplierId, SUBSCRIBE_LOCK_NAMESPACE]);
  }

  countLive(manager: EntityManager, supplierId: string): Promise<number> {
    return manager.getRepository(WebhookSubscriptionEntity).countBy({ supplierId, deletedAt: IsNull() });
  }

  async insert(manager: EntityManager, values: Omit<WebhookSubscriptionEntity, 'deletedAt'>): Promise<WebhookSubscriptionEntity> {
    const repository = manager.getRepository(WebhookSubscriptionEntity);
    await repository.insert({ ...values, deletedAt: null });
    return repository.findOneByOrFail({ id: values.id });
  }

  async findLivePage(supplierId: string, offset: number, limit: number): Promise<{ rows: WebhookSubscriptionEntity[]; total: number }> {
    const [rows, total] = await this.subscriptions.findAndCount({
      where: { supplierId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
    return { rows, total };
  }

  /** A live subscription of this supplier; another supplier's, or a deleted one, is null. */
  findLive(supplierId: string, id: string, manager?: EntityManager): Promise<WebhookSubscriptionEntity | null> {
    const repository = manager ? manager.getRepository(WebhookSubscriptionEntity) : this.subscriptions;
    return repository.findOne({ where: { id, supplierId, deletedAt: IsNull() }, lock: manager ? { mode: 'pessimistic_write' } : undefined });
  }

  /** Deletes a subscription (the row stays for its log) and cancels the events it was still owed. */
  async softDelete(manager: EntityManager, id: string, now: Date): Promise<void> {
    await manager.query(`UPDATE webhook_subscriptions SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL`, [id, now]);
    await manager.query(`UPDATE webhook_events SET status = 'cancelled' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
  }

  /** A subscription's delivery attempts, newest first. */
  async findDeliveryPage(subscriptionId: string, offset: number, limit: number): Promise<{ rows: WebhookDeliveryRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT d.id, d.event_id AS "eventId", e.type AS "eventType", e.need_id AS "needId", d.attempt, d.succeeded,
                d.status_code AS "statusCode", d.error, d.duration_ms AS "durationMs", d.attempted_at AS "attemptedAt"
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.subscription_id = $1
         ORDER BY d.attempted_at DESC, d.id DESC OFFSET $2 LIMIT $3`,
        [subscriptionId, offset, limit],
      ),
      this.dataSource.query(`SELECT count(*)::int AS total FROM webhook_deliveries WHERE subscription_id = $1`, [subscriptionId]),
    ]);
    return { rows, total };
  }
}
