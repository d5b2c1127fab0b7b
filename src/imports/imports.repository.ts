import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ImportEntity } from 'src/imports/import.entity';
import { ImportFormat, ImportKind, MAX_STORED_ISSUES, RowIssue } from 'src/imports/domain/import.types';

export interface NewImport {
  kind: ImportKind;
  format: ImportFormat;
  organisationId: string | null;
  createdBy: string;
  publish: boolean;
}

/** What one committed batch adds to an import's progress. */
export interface BatchProgress {
  /** Row number of the batch's last record: the next run starts after it. */
  checkpointRow: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  published: number;
  notPublished: number;
  errors: RowIssue[];
  warnings: RowIssue[];
}

/** The import row as a batch transaction sees it, locked until that transaction ends. */
export interface LockedImport {
  status: ImportEntity['status'];
  checkpointRow: number;
  storedErrors: number;
  storedWarnings: number;
}

@Injectable()
export class ImportsRepository {
  constructor(
    @InjectRepository(ImportEntity) private readonly imports: Repository<ImportEntity>,
    private readonly dataSource: DataSource,
  ) {}

  async insert(manager: EntityManager, values: NewImport): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO imports (kind, format, organisation_id, created_by, publish, status, byte_size, chunk_count, total)
       VALUES ($1, $2, $3, $4, $5, 'queued', 0, 0, 0) RETURNING id`,
      [values.kind, values.format, values.organisationId, values.createdBy, values.publish],
    );
    return row.id;
  }

  async insertChunk(manager: EntityManager, importId: string, seq: number, data: Buffer): Promise<void> {
    await manager.query(`INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)`, [importId, seq, data]);
  }

  async recordUpload(manager: EntityManager, importId: string, upload: { byteSize: number; chunkCount: number; total: number }): Promise<ImportEntity> {
    await manager.query(`UPDATE imports SET byte_size = $2, chunk_count = $3, total = $4, updated_at = now() WHERE id = $1`, [
      importId,
      upload.byteSize,
      upload.chunkCount,
      upload.total,
    ]);
    return manager.getRepository(ImportEntity).findOneByOrFail({ id: importId });
  }

  findById(id: string): Promise<ImportEntity | null> {
    return this.imports.findOneBy({ id });
  }

  /** Newest first; an organisation's imports, or every import (admins). */
  findPage(organisationId: string | null, offset: number, limit: number): Promise<[ImportEntity[], number]> {
    return this.imports.findAndCount({
      where: organisationId === null ? {} : { organisationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  /** One stored piece of the upload (a worker reads them in order, one at a time). */
  async readChunk(importId: string, seq: number): Promise<Buffer | null> {
    const rows = await this.dataSource.query(`SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2`, [importId, seq]);
    return rows.length ? (rows[0].data as Buffer) : null;
  }

  /** queued → running (a resumed import stays running and keeps its first start time). */
  async markRunning(importId: string): Promise<ImportEntity | null> {
    await this.dataSource.query(
      `UPDATE imports SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [importId],
    );
    return this.findById(importId);
  }

  async lock(manager: EntityManager, importId: string): Promise<LockedImport | null> {
    const rows = await manager.query(
      `SELECT status, checkpoint_row AS "checkpointRow", jsonb_array_length(errors) AS "storedErrors",
              jsonb_array_length(warnings) AS "storedWarnings"
       FROM imports WHERE id = $1 FOR UPDATE`,
      [importId],
    );
    return rows.length ? rows[0] : null;
  }

  /**
   * Adds a committed batch's counts and moves the checkpoint, in the batch's own transaction: the
   * rows and the progress that says they are written commit together or not at all. Errors and
   * warnings are kept up to MAX_STORED_ISSUES each; the counts stay exact.
   */
  async recordBatch(manager: EntityManager, importId: string, locked: LockedImport, progress: BatchProgress): Promise<void> {
    const errors = progress.errors.slice(0, Math.max(0, MAX_STORED_ISSUES - locked.storedErrors));
    const warnings = progress.warnings.slice(0, Math.max(0, MAX_STORED_ISSUES - locked.storedWarnings));
    await manager.query(
      `UPDATE imports SET
         checkpoint_row = $2, processed = processed + $3, created = created + $4, updated = updated + $5,
         unchanged = unchanged + $6, failed = failed + $7, published = published + $8, not_published = not_published + $9,
         errors = errors || $10::jsonb, warnings = warnings || $11::jsonb, updated_at = now()
       WHERE id = $1`,
      [
        importId,
        progress.checkpointRow,
        progress.processed,
        progress.created,
        progress.updated,
        progress.unchanged,
        progress.failed,
        progress.published,
        progress.notPublished,
        JSON.stringify(errors),
        JSON.stringify(warnings),
      ],
    );
  }

  /** Marks the import completed and drops its stored upload (in the caller's transaction). */
  async complete(manager: EntityManager, importId: string): Promise<ImportEntity> {
    await manager.query(`UPDATE imports SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1`, [importId]);
    await manager.query(`DELETE FROM import_chunks WHERE import_id = $1`, [importId]);
    return manager.getRepository(ImportEntity).findOneByOrFail({ id: importId });
  }

  /** Marks an unfinished import failed; its upload is kept so that the failure can be looked into. */
  async fail(manager: EntityManager, importId: string, reason: string): Promise<ImportEntity | null> {
    const rows = await manager.query(
      `UPDATE imports SET status = 'failed', failure_reason = $2, finished_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [importId, reason.slice(0, 2000)],
    );
    return rows.length ? manager.getRepository(ImportEntity).findOneByOrFail({ id: importId }) : null;
  }

  /** Imports still owed processing, oldest first (the reconciler re-enqueues their jobs). */
  async findUnfinished(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT id FROM imports WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((row: { id: string }) => row.id);
  }

  /** Every CPV code by its first 8 digits, to read the bare ids OCDS releases carry. */
  async cpvCodesByDigits(): Promise<Map<string, string>> {
    const rows = await this.dataSource.query(`SELECT code FROM cpv_codes`);
    return new Map(rows.map((row: { code: string }) => [row.code.slice(0, 8), row.code]));
  }
}
