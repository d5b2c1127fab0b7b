import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Append-only: rows are never updated or deleted; each one's hash covers the one before it. */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  // A bigint arrives from pg as a string; kept as one to avoid precision loss.
  @Column({ type: 'bigint', unique: true })
  sequence: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ name: 'object_type', type: 'varchar', length: 100 })
  objectType: string;

  @Column({ name: 'object_id', type: 'varchar', length: 200, nullable: true })
  objectId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
