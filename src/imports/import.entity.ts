import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ImportFormat, ImportKind, ImportStatus, RowIssue } from 'src/imports/domain/import.types';

/** One upload and its progress. Counters are exact; `errors` and `warnings` keep the first 1,000 each. */
@Entity({ name: 'imports' })
export class ImportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  kind: ImportKind;

  @Column({ type: 'varchar', length: 20 })
  format: ImportFormat;

  /** The buyer organisation needs are imported into; null for supplier imports (admin). */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  /** Needs only: publish every valid need whose deadline is ahead. */
  @Column({ type: 'boolean', default: false })
  publish: boolean;

  @Column({ type: 'varchar', length: 10 })
  status: ImportStatus;

  @Column({ name: 'byte_size', type: 'bigint' })
  byteSize: string;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount: number;

  /** Rows in the upload (blank lines are not rows). */
  @Column({ type: 'int' })
  total: number;

  @Column({ type: 'int', default: 0 })
  processed: number;

  @Column({ type: 'int', default: 0 })
  created: number;

  @Column({ type: 'int', default: 0 })
  updated: number;

  @Column({ type: 'int', default: 0 })
  unchanged: number;

  @Column({ type: 'int', default: 0 })
  failed: number;

  @Column({ type: 'int', default: 0 })
  published: number;

  @Column({ name: 'not_published', type: 'int', default: 0 })
  notPublished: number;

  /** Row number of the last record of the last committed batch: processing resumes after it. */
  @Column({ name: 'checkpoint_row', type: 'int', default: 0 })
  checkpointRow: number;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  errors: RowIssue[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  warnings: RowIssue[];

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A ~1 MB piece of an upload, in order; deleted once the import completes. */
@Entity({ name: 'import_chunks' })
export class ImportChunkEntity {
  @PrimaryColumn({ name: 'import_id', type: 'uuid' })
  importId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Column({ type: 'bytea' })
  data: Buffer;
}
