import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1795570000000 implements MigrationInterface {
  name = 'CreateWebhooks1795570000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        supplier_id uuid NOT NULL REFERENCES organisations (id),
        url varchar(2000) NOT NULL,
        min_score numeric(4, 1) NOT NULL CHECK (min_score BETWEEN 0 AND 100),
        secret_encrypted text NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL,
        deleted_at timestamptz
      )`);
    // A supplier's live subscriptions: listed in creation order, and joined to every match written.
    await queryRunner.query(
      `CREATE INDEX webhook_subscriptions_supplier_idx ON webhook_subscriptions (supplier_id, created_at, id) WHERE deleted_at IS NULL`,
    );
    // The outbox: a row is written in the same transaction as the match that qualifies for it, and its
    // unique key makes "at most one event per need for each subscription, ever" a database rule.
    await queryRunner.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
        need_id uuid NOT NULL REFERENCES procurement_needs (id),
        supplier_id uuid NOT NULL REFERENCES organisations (id),
        type varchar(40) NOT NULL,
        payload jsonb NOT NULL,
        status varchar(10) NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        CONSTRAINT webhook_events_subscription_need_key UNIQUE (subscription_id, need_id)
      )`);
    // The reconciler's look-up of events still owed delivery.
    await queryRunner.query(`CREATE INDEX webhook_events_pending_idx ON webhook_events (created_at, id) WHERE status = 'pending'`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES webhook_events (id),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
        attempt int NOT NULL CHECK (attempt >= 1),
        succeeded boolean NOT NULL,
        status_code int,
        error text,
        duration_ms int NOT NULL CHECK (duration_ms >= 0),
        attempted_at timestamptz NOT NULL,
        CONSTRAINT webhook_deliveries_event_attempt_key UNIQUE (event_id, attempt)
      )`);
    // A subscription's delivery log, newest first.
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, attempted_at DESC, id DESC)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_events`);
    await queryRunner.query(`DROP TABLE webhook_subscriptions`);
  }
}
