import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each need's state records the worst of its kept matches (see src/matching/domain/kept-matches.ts),
 * so that a changed profile entering a full need knows which row to drop and the next threshold
 * without reading the need's hundred rows: that read was most of a changed profile's write (about
 * 0.2 ms a need touched, a few hundred needs for a broad profile). Two arrays side by side, worst
 * first; empty means unknown, and the next writer reads the need's rows and fills them.
 *
 * Existing states are worked out again from their rows: a need keeps its undecided matches (until
 * now need jobs counted decided ones among the kept). Workers of the previous release do not keep
 * the tail: stop them before this migration runs (a state they write afterwards with a stale tail
 * is caught only where the tail disagrees with the rows).
 */
export class KeptMatchTails1795810000000 implements MigrationInterface {
  name = 'KeptMatchTails1795810000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE need_matching_state
        ADD COLUMN tail_suppliers uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN tail_scores numeric(4, 1)[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT need_matching_state_tail_check CHECK (cardinality(tail_suppliers) = cardinality(tail_scores))`);
    await queryRunner.query(`
      UPDATE need_matching_state s SET match_count = k.n, threshold = k.low, tail_suppliers = k.suppliers, tail_scores = k.scores
      FROM (SELECT need_id, count(*)::int AS n, min(score) AS low,
                   (array_agg(supplier_id ORDER BY score, supplier_id DESC))[1:10] AS suppliers,
                   (array_agg(score ORDER BY score, supplier_id DESC))[1:10] AS scores
            FROM matches WHERE decision IS NULL GROUP BY need_id) k
      WHERE s.need_id = k.need_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE need_matching_state DROP CONSTRAINT need_matching_state_tail_check,
        DROP COLUMN tail_suppliers, DROP COLUMN tail_scores`);
  }
}
