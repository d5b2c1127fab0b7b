import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMatches1795540000000 implements MigrationInterface {
  name = 'CreateMatches1795540000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Every write to a profile or need stamps the writing transaction's id. Workers read "rows changed
    // by transactions at or after the oldest one still running when I last looked", so a change that
    // commits late is never skipped, whatever order transactions commit in.
    await queryRunner.query(`
      CREATE FUNCTION stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.change_xid := pg_current_xact_id();
        RETURN NEW;
      END $$`);
    for (const [table, key] of [
      ['supplier_profiles', 'organisation_id'],
      ['procurement_needs', 'id'],
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
      // Workers page through changes in (change_xid, key) order.
      await queryRunner.query(`CREATE INDEX ${table}_change_xid_idx ON ${table} (change_xid, ${key})`);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_change_xid BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()`,
      );
    }
    await queryRunner.query(`
      CREATE TABLE matches (
        need_id uuid NOT NULL REFERENCES procurement_needs (id),
        supplier_id uuid NOT NULL REFERENCES organisations (id),
        score numeric(4, 1) NOT NULL CHECK (score BETWEEN 0 AND 100),
        components jsonb NOT NULL,
        explanation jsonb NOT NULL,
        scorer_version varchar(40) NOT NULL,
        need_version int NOT NULL,
        profile_version int NOT NULL,
        computed_at timestamptz NOT NULL,
        decision varchar(12) CHECK (decision IN ('shortlisted', 'rejected')),
        decision_reason text,
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        PRIMARY KEY (need_id, supplier_id),
        CHECK ((decision IS NULL) = (decided_at IS NULL))
      )`);
    // Ranked reads of one need's matches, and a supplier's opportunities.
    await queryRunner.query(`CREATE INDEX matches_need_rank_idx ON matches (need_id, score DESC, supplier_id)`);
    await queryRunner.query(`CREATE INDEX matches_supplier_idx ON matches (supplier_id, score DESC)`);
    await queryRunner.query(`
      CREATE TABLE need_matching_state (
        need_id uuid PRIMARY KEY REFERENCES procurement_needs (id),
        scored_version int NOT NULL,
        scored_at timestamptz NOT NULL,
        match_count int NOT NULL,
        -- The lowest score among the kept matches: a changed profile scoring below it does not enter.
        threshold numeric(4, 1) NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE supplier_matching_state (
        supplier_id uuid PRIMARY KEY REFERENCES organisations (id),
        scored_version int NOT NULL,
        scored_at timestamptz NOT NULL
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE supplier_matching_state`);
    await queryRunner.query(`DROP TABLE need_matching_state`);
    await queryRunner.query(`DROP TABLE matches`);
    for (const table of ['supplier_profiles', 'procurement_needs']) {
      await queryRunner.query(`DROP TRIGGER ${table}_change_xid ON ${table}`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN change_xid`);
    }
    await queryRunner.query(`DROP FUNCTION stamp_change_xid()`);
  }
}
