import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImports1795560000000 implements MigrationInterface {
  name = 'CreateImports1795560000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One row per upload: what it is, who sent it, and its progress. `checkpoint_row` is the row
    // number of the last record of the last committed batch; it is written in the same transaction as
    // that batch, so a worker that dies mid-import resumes after it and writes no row twice.
    await queryRunner.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(10) NOT NULL CHECK (kind IN ('suppliers', 'needs')),
        format varchar(20) NOT NULL CHECK (format IN ('ndjson', 'csv', 'ocds-package')),
        organisation_id uuid REFERENCES organisations (id),
        created_by uuid NOT NULL REFERENCES users (id),
        publish boolean NOT NULL DEFAULT false,
        status varchar(10) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        byte_size bigint NOT NULL CHECK (byte_size >= 0),
        chunk_count int NOT NULL CHECK (chunk_count >= 0),
        total int NOT NULL CHECK (total >= 0),
        processed int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        published int NOT NULL DEFAULT 0,
        not_published int NOT NULL DEFAULT 0,
        checkpoint_row int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        warnings jsonb NOT NULL DEFAULT '[]',
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- Needs are imported into one buyer organisation; suppliers by an admin, into none.
        CHECK ((kind = 'needs') = (organisation_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX imports_organisation_idx ON imports (organisation_id, created_at DESC)`);
    // The reconciler looks for unfinished imports only.
    await queryRunner.query(`CREATE INDEX imports_unfinished_idx ON imports (created_at) WHERE status IN ('queued', 'running')`);
    // The upload itself, in ~1 MB pieces, so that a worker on any machine can stream it back.
    await queryRunner.query(`
      CREATE TABLE import_chunks (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        seq int NOT NULL CHECK (seq >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (import_id, seq)
      )`);
    // Out of line but uncompressed: chunks are written once, read once and deleted, so compressing
    // 100 MB on the request path would cost more CPU than the disk it saves for that short while.
    await queryRunner.query(`ALTER TABLE import_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE import_chunks`);
    await queryRunner.query(`DROP TABLE imports`);
  }
}
