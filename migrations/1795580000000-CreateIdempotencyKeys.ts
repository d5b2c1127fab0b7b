import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1795580000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1795580000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A key is scoped to who sent it: two users may pick the same key without seeing each other's answers.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        scope varchar(80) NOT NULL,
        key varchar(200) NOT NULL,
        request_hash char(64) NOT NULL,
        status int,
        body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
