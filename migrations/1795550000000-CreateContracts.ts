import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContracts1795550000000 implements MigrationInterface {
  name = 'CreateContracts1795550000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Decimals that decide money (share, weights, baselines, targets, measurements) are numeric:
    // stored and read back exactly as written, never as binary floating point.
    await queryRunner.query(`
      CREATE TABLE contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        need_id uuid NOT NULL REFERENCES procurement_needs (id),
        organisation_id uuid NOT NULL REFERENCES organisations (id),
        supplier_id uuid NOT NULL REFERENCES organisations (id),
        ocid varchar(200) NOT NULL UNIQUE,
        value bigint NOT NULL CHECK (value > 0),
        currency char(3) NOT NULL DEFAULT 'GBP' CHECK (currency = 'GBP'),
        start_date date NOT NULL,
        end_date date NOT NULL,
        outcome_payment_share numeric NOT NULL CHECK (outcome_payment_share BETWEEN 0 AND 1),
        review_periods int NOT NULL CHECK (review_periods >= 1),
        award_reason text NOT NULL,
        awarded_by uuid NOT NULL REFERENCES users (id),
        awarded_at timestamptz NOT NULL,
        award_score numeric(4, 1) NOT NULL,
        award_rank int NOT NULL,
        status varchar(12) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'terminated')),
        CHECK (end_date > start_date),
        -- Exactly one contract per need, however many award requests race.
        CONSTRAINT contracts_need_id_key UNIQUE (need_id)
      )`);
    await queryRunner.query(`CREATE INDEX contracts_supplier_idx ON contracts (supplier_id)`);
    await queryRunner.query(`CREATE INDEX contracts_organisation_idx ON contracts (organisation_id)`);
    await queryRunner.query(`CREATE INDEX contracts_awarded_at_idx ON contracts (awarded_at, id)`);
    await queryRunner.query(`
      CREATE TABLE contract_outcomes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contracts (id),
        position int NOT NULL,
        name varchar(300) NOT NULL,
        unit varchar(100) NOT NULL,
        baseline numeric NOT NULL,
        target numeric NOT NULL,
        direction varchar(8) NOT NULL CHECK (direction IN ('increase', 'decrease')),
        weight numeric NOT NULL CHECK (weight >= 0 AND weight <= 1),
        indicator_id uuid REFERENCES roadmap_indicators (id),
        UNIQUE (contract_id, position)
      )`);
    await queryRunner.query(`CREATE INDEX contract_outcomes_indicator_idx ON contract_outcomes (indicator_id)`);
    await queryRunner.query(`
      CREATE TABLE outcome_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contracts (id),
        period int NOT NULL CHECK (period >= 1),
        status varchar(10) NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
        submitted_by uuid NOT NULL REFERENCES users (id),
        submitted_at timestamptz NOT NULL,
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text,
        weighted_attainment numeric NOT NULL,
        rating varchar(24) NOT NULL,
        pot bigint NOT NULL,
        payment_due bigint NOT NULL CHECK (payment_due >= 0),
        CHECK (decided_by IS NULL OR decided_by <> submitted_by)
      )`);
    // One approved review per period, and one awaiting a decision at a time.
    await queryRunner.query(`CREATE UNIQUE INDEX outcome_reviews_approved_key ON outcome_reviews (contract_id, period) WHERE status = 'approved'`);
    await queryRunner.query(`CREATE UNIQUE INDEX outcome_reviews_pending_key ON outcome_reviews (contract_id, period) WHERE status = 'submitted'`);
    await queryRunner.query(`
      CREATE TABLE review_measurements (
        review_id uuid NOT NULL REFERENCES outcome_reviews (id),
        outcome_id uuid NOT NULL REFERENCES contract_outcomes (id),
        value numeric NOT NULL,
        evidence text NOT NULL,
        -- The exact attainment as a fraction (numerator/denominator), and a decimal to read.
        attainment_exact varchar(200) NOT NULL,
        attainment numeric NOT NULL CHECK (attainment BETWEEN 0 AND 1),
        PRIMARY KEY (review_id, outcome_id)
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE review_measurements`);
    await queryRunner.query(`DROP TABLE outcome_reviews`);
    await queryRunner.query(`DROP TABLE contract_outcomes`);
    await queryRunner.query(`DROP TABLE contracts`);
  }
}
