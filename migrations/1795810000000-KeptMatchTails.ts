import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each need's state records the worst of its kept matches (see src/matching/domain/kept-matches.ts),
 * so that a changed profile entering a full need knows which row to drop and the next threshold
 * without reading the need's hundred rows: that read was most of a changed profile's write (about
 * 0.2 ms a need touched, a few hundred needs for a broad profile). Two arrays side by side, worst
 * first; empty means unknown, and the next writer reads the need's rows and fills them. Existing
 * rows start empty.
 */
export class KeptMatchTails1795810000000 implements MigrationInterface {
  name = 'KeptMatchTails1795810000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE need_matching_state
        ADD COLUMN tail_suppliers uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN tail_scores numeric(4, 1)[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT need_matching_state_tail_check CHECK (cardinality(tail_suppliers) = cardinality(tail_scores))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE need_matching_state DROP CONSTRAINT need_matching_state_tail_check,
        DROP COLUMN tail_suppliers, DROP COLUMN tail_scores`);
  }
}
