import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoadmapCommitments1795520000000 implements MigrationInterface {
  name = 'CreateRoadmapCommitments1795520000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // aims holds roadmap_aims codes; an array cannot carry a foreign key, so the service checks them.
    await queryRunner.query(`
      CREATE TABLE roadmap_commitments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        priority int NOT NULL REFERENCES roadmap_priorities (number) CHECK (priority BETWEEN 1 AND 6),
        aims text[] NOT NULL DEFAULT '{}' CHECK (array_position(aims, NULL) IS NULL),
        title varchar(300) NOT NULL CHECK (char_length(title) > 0),
        description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 20000),
        lead_department varchar(300) NOT NULL CHECK (char_length(lead_department) > 0),
        due_date date NOT NULL,
        status varchar(12) NOT NULL DEFAULT 'planned'
          CHECK (status IN ('planned', 'in_progress', 'delivered', 'at_risk')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The list is read per priority in due-date order, and filtered by aim or status.
    await queryRunner.query(`CREATE INDEX roadmap_commitments_priority_due_idx ON roadmap_commitments (priority, due_date, id)`);
    await queryRunner.query(`CREATE INDEX roadmap_commitments_aims_idx ON roadmap_commitments USING gin (aims)`);
    await queryRunner.query(`CREATE INDEX roadmap_commitments_status_idx ON roadmap_commitments (status)`);
    await queryRunner.query(`
      CREATE TABLE roadmap_indicators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        commitment_id uuid NOT NULL REFERENCES roadmap_commitments (id),
        name varchar(300) NOT NULL CHECK (char_length(name) > 0),
        unit varchar(100) NOT NULL CHECK (char_length(unit) > 0),
        baseline numeric NOT NULL CHECK (baseline <> 'NaN'),
        target numeric NOT NULL CHECK (target <> 'NaN'),
        direction varchar(8) NOT NULL CHECK (direction IN ('increase', 'decrease')),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- The target lies on the side of the baseline that the direction names.
        CHECK ((direction = 'increase' AND target > baseline) OR (direction = 'decrease' AND target < baseline))
      )`);
    await queryRunner.query(`CREATE INDEX roadmap_indicators_commitment_idx ON roadmap_indicators (commitment_id, created_at, id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE roadmap_indicators`);
    await queryRunner.query(`DROP TABLE roadmap_commitments`);
  }
}
