import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-ranking a need keeps the suppliers a buyer decided on, so a need job first asks which rows of
 * its needs are decided. Few ever are; found through the primary key, every row of each need was
 * read to learn that, and when the table's statistics lagged behind its size (a table just filled,
 * not yet analysed) the planner scanned the whole table instead: 0.2–0.3 s a batch at a million
 * rows. This index holds the decided rows only, so it costs undecided writes nothing, and the
 * question is answered from it whatever the statistics say.
 *
 * Built in the migration's transaction, which holds writes to matches for the length of one scan
 * of the table (seconds at a million rows). Not CONCURRENTLY: that waits for every transaction
 * open at the time, among them the other processes starting, which wait for the migration lock
 * (see prepare-database.ts) until their statement timeout.
 */
export class IndexDecidedMatches1795800000000 implements MigrationInterface {
  name = 'IndexDecidedMatches1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX matches_decided_idx ON matches (need_id, supplier_id) WHERE decision IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX matches_decided_idx`);
  }
}
