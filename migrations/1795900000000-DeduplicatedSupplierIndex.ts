import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The matches of one supplier are found through an index on supplier_id: its opportunities, and the
 * rows a changed profile already has. Every need job inserts a hundred rows for a hundred different
 * suppliers, so each row lands on its own leaf page of that index: a 32-need batch dirtied about
 * 1,400 of its pages, and after every checkpoint each of them is written to the WAL whole once.
 *
 * Keyed on (supplier_id, score DESC), the index held one entry per row: 60 MB at a million rows,
 * which pushed the table's own pages out of shared buffers. numeric keys cannot be deduplicated, so
 * the score is dropped from the key: B-tree deduplication then keeps one key per supplier with a list
 * of row addresses, 7 MB for the same rows. A supplier's opportunities are read through it and
 * sorted, which costs nothing noticeable for the few hundred needs a supplier is kept in.
 *
 * Measured with bench:pipeline (10k profiles, 2 cores), need jobs already queued: 511 and 543 jobs/s
 * before, 584 and 616 after. Right after a checkpoint, one batch wrote 18 MB of WAL before and
 * 9.5 MB after.
 */
export class DeduplicatedSupplierIndex1795900000000 implements MigrationInterface {
  name = 'DeduplicatedSupplierIndex1795900000000';

  // The new index is built beside the old one, which is dropped only then: the build holds a SHARE
  // lock (workers' writes wait, reads go on), and the exclusive lock of the drop lasts only until
  // the migration commits.
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX matches_supplier_dedup_idx ON matches (supplier_id)`);
    await queryRunner.query(`DROP INDEX matches_supplier_idx`);
    await queryRunner.query(`ALTER INDEX matches_supplier_dedup_idx RENAME TO matches_supplier_idx`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX matches_supplier_idx`);
    await queryRunner.query(`CREATE INDEX matches_supplier_idx ON matches (supplier_id, score DESC)`);
  }
}
