import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNeedsAndProfiles1795530000000 implements MigrationInterface {
  name = 'CreateNeedsAndProfiles1795530000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE procurement_needs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations (id),
        external_id varchar(200),
        title varchar(300) NOT NULL,
        description text NOT NULL,
        cpv_codes text[] NOT NULL DEFAULT '{}',
        commitment_ids uuid[] NOT NULL DEFAULT '{}',
        budget_min bigint CHECK (budget_min >= 0),
        budget_max bigint CHECK (budget_max >= 0),
        regions text[] NOT NULL DEFAULT '{}',
        required_certifications text[] NOT NULL DEFAULT '{}',
        essential_requirements text[] NOT NULL DEFAULT '{}',
        submission_deadline timestamptz,
        status varchar(12) NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'open', 'closed', 'awarded', 'cancelled')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (budget_min IS NULL OR budget_max IS NULL OR budget_min <= budget_max)
      )`);
    // The public list shows published needs newest first; owners list their own.
    await queryRunner.query(`CREATE INDEX procurement_needs_status_created_idx ON procurement_needs (status, created_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX procurement_needs_organisation_idx ON procurement_needs (organisation_id, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX procurement_needs_commitments_idx ON procurement_needs USING gin (commitment_ids)`);
    // Imports upsert needs by (organisation, externalId).
    await queryRunner.query(
      `CREATE UNIQUE INDEX procurement_needs_external_id_key ON procurement_needs (organisation_id, external_id) WHERE external_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE supplier_profiles (
        organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
        summary text NOT NULL,
        capabilities text[] NOT NULL DEFAULT '{}',
        case_studies jsonb NOT NULL DEFAULT '[]',
        cpv_codes text[] NOT NULL DEFAULT '{}',
        certifications text[] NOT NULL DEFAULT '{}',
        regions text[] NOT NULL DEFAULT '{}',
        max_contract_value bigint CHECK (max_contract_value >= 0),
        version int NOT NULL CHECK (version >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE supplier_profiles`);
    await queryRunner.query(`DROP TABLE procurement_needs`);
  }
}
