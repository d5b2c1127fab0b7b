import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workers write a hundred match rows for every need they score, and at several hundred needs a
 * second that insert was most of PostgreSQL's work. Measured on the pipeline benchmark's rows (32
 * needs, 3,200 rows a statement, 2 cores), per need: 4.6 ms as first built; 1.8 ms after this
 * migration with the rows sent as arrays (see MatchingRepository). What each step took away:
 *
 * - The foreign keys to procurement_needs and organisations: a check per row, each locking the
 *   referenced row FOR KEY SHARE (a heap write and a WAL record per supplier row): 0.8–1.7 ms.
 *   Match rows are derived data, written only by workers for needs and profiles they have just
 *   read, and no route deletes a need or an organisation. A trigger refuses to delete either while
 *   matches refer to it; unlike the foreign keys it takes no lock, so it guards against mistakes,
 *   not against a delete racing a worker's insert.
 * - components and explanation as json rather than jsonb: the worker's JSON is only checked, not
 *   parsed into a binary tree, and is served back as it was written: 0.5–0.7 ms. Rows converted
 *   here keep jsonb's spelling (spaces, keys by length); each is rewritten in the workers' spelling
 *   the next time its need is scored (same fields, keys in another order). The conversion
 *   rewrites the table under an exclusive lock: reads of matches wait for it during the deploy.
 * - The (need_id, score, supplier_id) index: a need holds about a hundred rows, which the primary
 *   key finds and a sort orders for less than an index kept on every write: 0.5 ms.
 *
 * A changed profile is scored against every open need, and whether it enters a need's kept matches
 * depends on that need's threshold: reading 10,000 of them for every profile took 20–40 ms. Their
 * rows now carry the writing transaction's id like profiles and needs do, so that a worker keeps
 * them in memory and reads only those changed since its last look.
 */
export class LighterMatchWrites1795700000000 implements MigrationInterface {
  name = 'LighterMatchWrites1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE matches DROP CONSTRAINT matches_need_id_fkey, DROP CONSTRAINT matches_supplier_id_fkey`);
    await queryRunner.query(`ALTER TABLE matches ALTER COLUMN components TYPE json, ALTER COLUMN explanation TYPE json`);
    await queryRunner.query(`DROP INDEX matches_need_rank_idx`);
    await queryRunner.query(`ALTER TABLE need_matching_state ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await queryRunner.query(`CREATE INDEX need_matching_state_change_xid_idx ON need_matching_state (change_xid, need_id)`);
    await queryRunner.query(
      `CREATE TRIGGER need_matching_state_change_xid BEFORE INSERT OR UPDATE ON need_matching_state FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION refuse_delete_while_matched() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        matched boolean;
      BEGIN
        -- TG_ARGV[0]: the matches column that refers to this table (each served by an index).
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM matches WHERE %I = $1)', TG_ARGV[0]) INTO matched USING OLD.id;
        IF matched THEN
          RAISE EXCEPTION '% % still has matches', TG_TABLE_NAME, OLD.id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN OLD;
      END $$`);
    for (const [table, column] of [
      ['procurement_needs', 'need_id'],
      ['organisations', 'supplier_id'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_refuse_delete_while_matched BEFORE DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION refuse_delete_while_matched('${column}')`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['procurement_needs', 'organisations']) {
      await queryRunner.query(`DROP TRIGGER ${table}_refuse_delete_while_matched ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION refuse_delete_while_matched()`);
    await queryRunner.query(`DROP TRIGGER need_matching_state_change_xid ON need_matching_state`);
    await queryRunner.query(`ALTER TABLE need_matching_state DROP COLUMN change_xid`);
    await queryRunner.query(`CREATE INDEX matches_need_rank_idx ON matches (need_id, score DESC, supplier_id)`);
    await queryRunner.query(`ALTER TABLE matches ALTER COLUMN components TYPE jsonb, ALTER COLUMN explanation TYPE jsonb`);
    await queryRunner.query(`
      ALTER TABLE matches ADD CONSTRAINT matches_need_id_fkey FOREIGN KEY (need_id) REFERENCES procurement_needs (id),
        ADD CONSTRAINT matches_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES organisations (id)`);
  }
}
