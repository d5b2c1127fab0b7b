import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccountsAndAudit1795510000000 implements MigrationInterface {
  name = 'CreateAccountsAndAudit1795510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(10) NOT NULL CHECK (kind IN ('buyer', 'supplier')),
        name varchar(300) NOT NULL,
        companies_house_number varchar(8),
        is_sme boolean NOT NULL DEFAULT false,
        external_id varchar(200) UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        password_hash varchar(200) NOT NULL,
        role varchar(10) NOT NULL CHECK (role IN ('admin', 'buyer', 'reviewer', 'supplier')),
        organisation_id uuid REFERENCES organisations (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Admins belong to the platform; everyone else to an organisation.
        CHECK ((role = 'admin') = (organisation_id IS NULL))
      )`);
    // Emails are unique whatever their case.
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users ((lower(email)))`);
    await queryRunner.query(`CREATE INDEX users_organisation_idx ON users (organisation_id)`);
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        sequence bigint NOT NULL UNIQUE CHECK (sequence > 0),
        actor_id uuid,
        action varchar(100) NOT NULL,
        object_type varchar(100) NOT NULL,
        object_id varchar(200),
        before jsonb,
        after jsonb,
        occurred_at timestamptz NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP TABLE users`);
    await queryRunner.query(`DROP TABLE organisations`);
  }
}
