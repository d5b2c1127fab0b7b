import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MatchCreatedSnapshot } from 'src/webhooks/domain/match-created-event';

export const WEBHOOK_EVENT_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/** A supplier's request to be told about new matches scoring at least `minScore`. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** 0–100, one decimal (numeric arrives from pg as a string). */
  @Column({ name: 'min_score', type: 'numeric', precision: 4, scale: 1 })
  minScore: string;

  // AES-256-GCM under a key derived from WEBHOOK_SECRET_KEY, bound to the row's id: see WebhookSecretCipher.
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set by DELETE: the row stays so that its events and delivery log keep their owner. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}

/** One event owed to one subscription; unique per (subscription, need), so sent at most once, ever. */
@Entity({ name: 'webhook_events' })
export class WebhookEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @Column({ name: 'need_id', type: 'uuid' })
  needId: string;

  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'jsonb' })
  payload: MatchCreatedSnapshot;

  @Column({ type: 'varchar', length: 10 })
  status: WebhookEventStatus;

  /** Attempts started so far (each is numbered by this counter, whatever the queue did). */
  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

/** One attempt to deliver an event: what the subscriber answered, or why there was no answer. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'boolean' })
  succeeded: boolean;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt: Date;
}
