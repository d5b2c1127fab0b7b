import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells every API process, on commit, which cached read answers a change makes stale (see
 * src/database/read-cache.ts). One channel; the payload names what changed:
 *   matches:<need id>  a need's matches or scoring state (worker writes, buyers' decisions)
 *   need:<need id>     the need itself (lists of needs, and its matches' status)
 *   *                  anything shown inside many answers (organisation names) or a bulk change
 * PostgreSQL delivers a notification only once its transaction commits, folds duplicates within a
 * transaction, and sends nothing for a rolled-back one.
 */
export class NotifyReadModelChanges1795600000000 implements MigrationInterface {
  name = 'NotifyReadModelChanges1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Statement level with transition tables: a job writing 100 matches of one need sends one payload.
    await queryRunner.query(`
      CREATE FUNCTION notify_matches_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          PERFORM pg_notify('read_models', 'matches:' || need_id) FROM (SELECT DISTINCT need_id FROM new_rows) changed;
        END IF;
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('read_models', 'matches:' || need_id) FROM (SELECT DISTINCT need_id FROM old_rows) changed;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['matches', 'need_matching_state']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION notify_matches_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_update AFTER UPDATE ON ${table} REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION notify_matches_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION notify_matches_changed()`,
      );
    }

    await queryRunner.query(`
      CREATE FUNCTION notify_need_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('read_models', 'need:' || coalesce(NEW.id, OLD.id));
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER procurement_needs_notify AFTER INSERT OR UPDATE OR DELETE ON procurement_needs
       FOR EACH ROW EXECUTE FUNCTION notify_need_changed()`,
    );

    await queryRunner.query(`
      CREATE FUNCTION notify_everything_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('read_models', '*');
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER organisations_notify AFTER UPDATE OR DELETE ON organisations
       FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed()`,
    );
    for (const table of ['matches', 'need_matching_state', 'procurement_needs', 'organisations']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_truncate AFTER TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['matches', 'need_matching_state', 'procurement_needs', 'organisations']) {
      await queryRunner.query(`DROP TRIGGER ${table}_notify_truncate ON ${table}`);
    }
    await queryRunner.query(`DROP TRIGGER organisations_notify ON organisations`);
    await queryRunner.query(`DROP FUNCTION notify_everything_changed()`);
    await queryRunner.query(`DROP TRIGGER procurement_needs_notify ON procurement_needs`);
    await queryRunner.query(`DROP FUNCTION notify_need_changed()`);
    for (const table of ['matches', 'need_matching_state']) {
      for (const event of ['insert', 'update', 'delete']) await queryRunner.query(`DROP TRIGGER ${table}_notify_${event} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION notify_matches_changed()`);
  }
}
