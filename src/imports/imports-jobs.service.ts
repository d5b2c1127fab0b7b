import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { FieldError } from 'src/common/errors/domain-error';
import { CpvService } from 'src/cpv/cpv.service';
import { NeedImportRowDto, SupplierImportRowDto } from 'src/imports/dto/import-rows.dto';
import { ImportEntity } from 'src/imports/import.entity';
import { parseJsonRow, validateRow } from 'src/imports/import-row-validation';
import { ImportedRowsRepository } from 'src/imports/imported-rows.repository';
import { BatchProgress, ImportsRepository } from 'src/imports/imports.repository';
import type { RowIssue } from 'src/imports/domain/import.types';
import { NeedContent, NeedMatchingWork, NeedRow, planNeedBatch } from 'src/imports/domain/need-batch';
import { mapOcdsRelease, OCDS_FIELD_OF } from 'src/imports/domain/ocds-release';
import { createRowReader, RowRecord } from 'src/imports/domain/row-reader';
import { planSupplierBatch, SupplierRow } from 'src/imports/domain/supplier-batch';
import { readSupplierCsvHeader, supplierRowFromCsv } from 'src/imports/domain/supplier-csv';
import { isPlainlyValidSupplierRow } from 'src/imports/supplier-row-precheck';
import { JobsService } from 'src/queue/jobs.service';
import { jobIdOf, IMPORTS_QUEUE } from 'src/queue/queue.definitions';
import { RoadmapService } from 'src/roadmap/roadmap.service';

/** Rows per transaction: big enough to amortise round trips, small enough to keep memory and lock time low. */
export const IMPORT_BATCH_ROWS = 1000;

// How many unfinished imports one reconcile pass looks at; the next pass takes the rest.
const RECONCILE_BATCH = 100;

// Validation is synchronous; letting the event loop turn every so often keeps the previous batch's
// statements flowing to PostgreSQL meanwhile, so that the two really overlap.
const YIELD_EVERY_ROWS = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ProcessOptions {
  /** Rows per batch (tests use small ones). */
  batchSize?: number;
  /** Called after each batch commits, with the import's progress so far. */
  afterBatch?: (progress: { importId: string; processed: number; total: number }) => Promise<void> | void;
}

/** A batch read and judged, ready to write. */
interface PreparedBatch {
  /** The checkpoint the import must be at for this batch to apply (the previous batch's last row). */
  after: number;
  lastRow: number;
  records: number;
  suppliers: SupplierRow[];
  needs: NeedRow[];
  failed: number;
  errors: RowIssue[];
  warnings: RowIssue[];
}

/** What an import's rows are read against, loaded once per run. */
interface ImportContext {
  entity: ImportEntity;
  /** OCDS CPV ids (8 digits) to our codes; needs imports only. */
  cpvByDigits: Map<string, string>;
  csvColumns: ReturnType<typeof readSupplierCsvHeader>['columns'] | null;
  csvWidth: number;
}

/**
 * Processes a stored upload: streams it back from PostgreSQL piece by piece, reads rows, validates
 * them with the API's rules, and writes them in batches, each in one transaction with the import's
 * counts and checkpoint. A run that dies resumes after the last committed batch; batches are upserts
 * by external id, so nothing is written twice. Reading and judging the next batch overlaps the
 * writing of the one before (PostgreSQL works while Node validates).
 */
@Injectable()
export class ImportsJobsService {
  private readonly logger = new Logger(ImportsJobsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportsRepository,
    private readonly rows: ImportedRowsRepository,
    private readonly cpv: CpvService,
    private readonly roadmap: RoadmapService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  async process(importId: string, options: ProcessOptions = {}): Promise<ImportEntity | null> {
    const entity = await this.imports.markRunning(importId);
    if (!entity || entity.status !== 'running') return entity;
    const batchSize = options.batchSize ?? IMPORT_BATCH_ROWS;
    const context: ImportContext = {
      entity,
      cpvByDigits: entity.kind === 'needs' ? await this.imports.cpvCodesByDigits() : new Map(),
      csvColumns: null,
      csvWidth: 0,
    };
    let flushedUpTo = entity.checkpointRow;
    let processed = entity.processed;
    let writing: Promise<void> = Promise.resolve();
    const flush = async (records: RowRecord[]) => {
      const prepared = await this.prepare(context, records, flushedUpTo);
      flushedUpTo = prepared.lastRow;
      await writing;
      writing = this.commit(context, prepared).then(async () => {
        processed += prepared.records;
        await options.afterBatch?.({ importId, processed, total: entity.total });
      });
      // Awaited before the next write or at the end; this only keeps Node from calling it unhandled meanwhile.
      writing.catch(() => undefined);
    };
    let batch: RowRecord[] = [];
    for await (const record of this.recordsOf(context)) {
      if (record.row <= entity.checkpointRow) continue;
      batch.push(record);
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
    await writing;
    return this.complete(entity);
  }

  /** Marks an import failed (its job gave up), with one audit event. */
  async fail(importId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const failed = await this.imports.fail(manager, importId, reason);
      if (!failed) return;
      await this.audit.record(manager, {
        actorId: failed.createdBy,
        action: 'import.fail',
        objectType: 'import',
        objectId: importId,
        after: { ...countsOf(failed), reason },
      });
    });
  }

  /**
   * Re-enqueues the imports PostgreSQL says are unfinished (a job lost with Redis, or an upload whose
   * enqueue failed); the deterministic job id makes this a no-op for imports already queued.
   */
  async reconcile(): Promise<number> {
    const queue = this.jobs.queue(IMPORTS_QUEUE);
    let enqueued = 0;
    for (const importId of await this.imports.findUnfinished(RECONCILE_BATCH)) {
      const job = await queue.getJob(jobIdOf('import.process', { importId }));
      if (job && (await job.isFailed())) {
        await this.fail(importId, job.failedReason || 'the import job failed');
        continue;
      }
      if (!job) {
        await this.jobs.enqueue('import.process', { importId });
        enqueued++;
      }
    }
    if (enqueued > 0) this.logger.log(`reconcile enqueued ${enqueued} unfinished imports`);
    return enqueued;
  }

  /** The upload's rows, read back piece by piece (the next piece is fetched while this one is read). */
  private async *recordsOf(context: ImportContext): AsyncGenerator<RowRecord> {
    const { entity } = context;
    const reader = createRowReader(entity.format);
    const decoder = new StringDecoder('utf8');
    let next = entity.chunkCount > 0 ? this.imports.readChunk(entity.id, 0) : null;
    for (let seq = 0; seq < entity.chunkCount; seq++) {
      const chunk = await next;
      next = seq + 1 < entity.chunkCount ? this.imports.readChunk(entity.id, seq + 1) : null;
      next?.catch(() => undefined);
      if (!chunk) throw new UnrecoverableError(`piece ${seq} of the upload is missing`);
      yield* this.withHeader(context, reader, reader.push(decoder.write(chunk)));
    }
    yield* this.withHeader(context, reader, reader.push(decoder.end()));
    yield* this.withHeader(context, reader, reader.end());
  }

  private withHeader(context: ImportContext, reader: ReturnType<typeof createRowReader>, records: RowRecord[]): RowRecord[] {
    if (context.csvColumns === null && reader.csvHeader !== null) {
      const { columns, problems } = readSupplierCsvHeader(reader.csvHeader);
      // Checked when the upload was received; a stored upload failing it now cannot be retried into shape.
      if (problems.length > 0) throw new UnrecoverableError(`the CSV header is not readable: ${problems[0].message}`);
      context.csvColumns = columns;
      context.csvWidth = reader.csvHeader.length;
    }
    return records;
  }

  /** Parses and validates a batch of rows: every problem becomes a row error, the rest are ready to write. */
  private async prepare(context: ImportContext, records: RowRecord[], after: number): Promise<PreparedBatch> {
    const prepared: PreparedBatch = {
      after,
      lastRow: records[records.length - 1].row,
      records: records.length,
      suppliers: [],
      needs: [],
      failed: 0,
      errors: [],
      warnings: [],
    };
    const refuse = (row: number, errors: FieldError[]) => {
      prepared.failed++;
      for (const error of errors) prepared.errors.push({ row, field: error.field, message: error.message });
    };
    if (context.entity.kind === 'suppliers') await this.prepareSuppliers(context, records, prepared, refuse);
    else await this.prepareNeeds(context, records, prepared, refuse);
    prepared.errors.sort((a, b) => a.row - b.row);
    return prepared;
  }

  private async prepareSuppliers(
    context: ImportContext,
    records: RowRecord[],
    prepared: PreparedBatch,
    refuse: (row: number, errors: FieldError[]) => void,
  ): Promise<void> {
    const valid: { row: number; dto: SupplierImportRowDto }[] = [];
    for (const [index, record] of records.entries()) {
      if (index % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await yieldToEventLoop();
      const plain = this.plainOf(context, record);
      if (plain.error) {
        refuse(record.row, [plain.error]);
        continue;
      }
      // Plainly valid rows (nearly all) skip class-validator; any other row is judged by the DTO.
      if (isPlainlyValidSupplierRow(plain.value)) {
        valid.push({ row: record.row, dto: plain.value as SupplierImportRowDto });
        continue;
      }
      const checked = validateRow(SupplierImportRowDto, plain.value);
      if (checked.errors) refuse(record.row, checked.errors);
      else valid.push({ row: record.row, dto: checked.value });
    }
    const unknownCpv = await this.unknownCpvCodes(valid.flatMap(({ dto }) => dto.profile.cpvCodes));
    for (const { row, dto } of valid) {
      const errors = cpvErrors(dto.profile.cpvCodes, unknownCpv, 'profile.cpvCodes');
      if (errors.length > 0) {
        refuse(row, errors);
        continue;
      }
      const profile = dto.profile;
      prepared.suppliers.push({
        row,
        externalId: dto.externalId,
        name: dto.name,
        companiesHouseNumber: dto.companiesHouseNumber ?? null,
        isSme: dto.isSme ?? false,
        profile: {
          summary: profile.summary,
          capabilities: profile.capabilities,
          caseStudies: profile.caseStudies.map(({ title, description }) => ({ title, description })),
          cpvCodes: profile.cpvCodes,
          certifications: profile.certifications,
          regions: profile.regions,
          maxContractValue: profile.maxContractValue == null ? null : String(profile.maxContractValue),
        },
      });
    }
  }

  private async prepareNeeds(
    context: ImportContext,
    records: RowRecord[],
    prepared: PreparedBatch,
    refuse: (row: number, errors: FieldError[]) => void,
  ): Promise<void> {
    const valid: { row: number; dto: NeedImportRowDto; ocds: boolean; warnings: FieldError[] }[] = [];
    for (const [index, record] of records.entries()) {
      if (index % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await yieldToEventLoop();
      const plain = this.plainOf(context, record);
      if (plain.error) {
        refuse(record.row, [plain.error]);
        continue;
      }
      const ocds = context.entity.format === 'ocds-package' || isOcdsRelease(plain.value);
      if (!ocds && isObject(plain.value) && Array.isArray(plain.value.releases)) {
        refuse(record.row, [{ field: 'releases', message: 'a release package is imported as the whole body, sent as application/json' }]);
        continue;
      }
      let candidate = plain.value;
      let warnings: FieldError[] = [];
      if (ocds) {
        const mapped = mapOcdsRelease(plain.value, (digits) => context.cpvByDigits.get(digits));
        if (mapped.errors.length > 0) {
          refuse(record.row, mapped.errors);
          continue;
        }
        candidate = mapped.need;
        warnings = mapped.warnings;
      }
      const checked = validateRow(NeedImportRowDto, candidate);
      if (checked.errors) refuse(record.row, ocds ? checked.errors.map(toOcdsField) : checked.errors);
      else valid.push({ row: record.row, dto: checked.value, ocds, warnings });
    }
    const unknownCpv = await this.unknownCpvCodes(valid.flatMap(({ dto }) => dto.cpvCodes ?? []));
    const commitmentIds = [...new Set(valid.flatMap(({ dto }) => (dto.commitmentIds ?? []).map((id) => id.toLowerCase())))];
    const unknownCommitments = new Set((await this.roadmap.findUnknownCommitmentIds(commitmentIds)).map(({ id }) => id));
    for (const { row, dto, ocds, warnings } of valid) {
      const content = needContentOf(dto);
      // The rules POST /needs applies beyond the DTO, in its words.
      const errors = [
        ...cpvErrors(content.cpvCodes, unknownCpv, 'cpvCodes'),
        ...content.commitmentIds.flatMap((id, index) =>
          unknownCommitments.has(id) ? [{ field: `commitmentIds[${index}]`, message: `no roadmap commitment ${id}` }] : [],
        ),
        ...(content.budgetMin !== null && content.budgetMax !== null && BigInt(content.budgetMin) > BigInt(content.budgetMax)
          ? [{ field: 'budgetMin', message: 'budgetMin must not exceed budgetMax' }]
          : []),
      ];
      if (errors.length > 0) {
        refuse(row, ocds ? errors.map(toOcdsField) : errors);
        continue;
      }
      // Remarks on how a release was read belong to the rows that are stored.
      for (const warning of warnings) prepared.warnings.push({ row, ...warning });
      prepared.needs.push({ row, externalId: dto.externalId, content, deadlineField: ocds ? OCDS_FIELD_OF.submissionDeadline : 'submissionDeadline' });
    }
  }

  /** A row as the plain object its author meant: parsed JSON, or a CSV record in the JSON Lines shape. */
  private plainOf(context: ImportContext, record: RowRecord): { value: unknown; error?: undefined } | { error: FieldError; value?: undefined } {
    if (record.error !== undefined) return { error: { field: 'row', message: record.error } };
    if (record.fields !== undefined) {
      if (!context.csvColumns) throw new UnrecoverableError('a CSV row came before its header');
      return supplierRowFromCsv(context.csvColumns, context.csvWidth, record.fields);
    }
    return parseJsonRow(record.text);
  }

  private async unknownCpvCodes(codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    return new Set((await this.cpv.findUnknown([...new Set(codes)])).map(({ code }) => code));
  }

  /** Writes one batch and its progress in one transaction; then asks matching for the work it owes. */
  private async commit(context: ImportContext, prepared: PreparedBatch): Promise<void> {
    const { entity } = context;
    const now = new Date();
    let work: NeedMatchingWork[] = [];
    let profilesChanged = 0;
    await this.dataSource.transaction(async (manager) => {
      // A batch and the checkpoint that records it commit together, so a crash that loses the last
      // commits loses both, and the resumed import simply writes those batches again: waiting for
      // each commit to reach the disk would buy nothing but time.
      await manager.query('SET LOCAL synchronous_commit = off');
      const locked = await this.imports.lock(manager, entity.id);
      if (!locked || locked.status !== 'running') throw new UnrecoverableError('the import is no longer running');
      if (locked.checkpointRow !== prepared.after) {
        // Another run of this import got further (a stalled job taken over): start again from its checkpoint.
        throw new Error(`the import moved on to row ${locked.checkpointRow} while this run expected row ${prepared.after}`);
      }
      const progress: BatchProgress = {
        checkpointRow: prepared.lastRow,
        processed: prepared.records,
        created: 0,
        updated: 0,
        unchanged: 0,
        failed: prepared.failed,
        published: 0,
        notPublished: 0,
        errors: prepared.errors,
        warnings: prepared.warnings,
      };
      if (entity.kind === 'suppliers') {
        profilesChanged = await this.writeSuppliers(manager, prepared.suppliers, progress);
      } else {
        work = await this.writeNeeds(manager, entity, prepared.needs, progress, now);
      }
      await this.imports.recordBatch(manager, entity.id, locked, progress);
    });
    await this.enqueueMatching(entity, profilesChanged, work);
  }

  private async writeSuppliers(manager: EntityManager, suppliers: SupplierRow[], progress: BatchProgress): Promise<number> {
    if (suppliers.length === 0) return 0;
    const stored = await this.rows.lockSuppliers(manager, [...new Set(suppliers.map((s) => s.externalId))].sort());
    const plan = planSupplierBatch(suppliers, stored, randomUUID);
    await this.rows.insertSuppliers(manager, plan.inserts);
    await this.rows.updateSuppliers(manager, plan.updates);
    await this.rows.writeProfiles(manager, plan.profiles);
    progress.created += plan.created;
    progress.updated += plan.updated;
    progress.unchanged += plan.unchanged;
    progress.failed += plan.failed;
    progress.errors = mergeByRow(progress.errors, plan.errors);
    return plan.profiles.length;
  }

  private async writeNeeds(manager: EntityManager, entity: ImportEntity, needs: NeedRow[], progress: BatchProgress, now: Date): Promise<NeedMatchingWork[]> {
    if (needs.length === 0) return [];
    const organisationId = entity.organisationId as string;
    const stored = await this.rows.lockNeeds(manager, organisationId, [...new Set(needs.map((n) => n.externalId))].sort());
    const plan = planNeedBatch(needs, stored, { publish: entity.publish, now, newId: randomUUID });
    await this.rows.writeNeeds(manager, organisationId, plan.writes);
    progress.created += plan.created;
    progress.updated += plan.updated;
    progress.unchanged += plan.unchanged;
    progress.failed += plan.failed;
    progress.published += plan.published;
    progress.notPublished += plan.notPublished;
    progress.errors = mergeByRow(progress.errors, plan.errors);
    progress.warnings = mergeByRow(progress.warnings, plan.warnings);
    return plan.work;
  }

  // Matching is asked once per batch, never once per row: changed profiles are picked up by a
  // reconcile pass (which enqueues the profile re-scoring PostgreSQL says is owed), and each need this
  // batch opened or edited while open is ranked by its own deterministic job. A pass enqueues the
  // oldest owed profiles first, so passes closer than a second apart would only repeat one another:
  // batches within the same second share one (by its job id); the import's end asks for a last one.
  private async enqueueMatching(entity: ImportEntity, profilesChanged: number, work: NeedMatchingWork[], final = false): Promise<void> {
    try {
      if (entity.kind === 'suppliers' && profilesChanged > 0) {
        const now = new Date();
        if (!final) now.setUTCMilliseconds(0);
        await this.jobs.enqueue('matching.reconcile', { requestedAt: now.toISOString() });
      }
      for (const { job, needId, needVersion } of work) await this.jobs.enqueue(job, { needId, needVersion });
    } catch (error) {
      // The rows are committed; the periodic matching reconciler finds them owed and enqueues the work.
      this.logger.warn(`matching work of import ${entity.id} not enqueued now: ${(error as Error).message}`);
    }
  }

  private async complete(entity: ImportEntity): Promise<ImportEntity | null> {
    const done = await this.dataSource.transaction(async (manager) => {
      const locked = await this.imports.lock(manager, entity.id);
      if (!locked || locked.status !== 'running') return this.imports.findById(entity.id);
      const completed = await this.imports.complete(manager, entity.id);
      await this.audit.record(manager, {
        actorId: completed.createdBy,
        action: 'import.complete',
        objectType: 'import',
        objectId: completed.id,
        after: countsOf(completed),
      });
      return completed;
    });
    if (done?.status === 'completed' && done.kind === 'suppliers' && done.created + done.updated > 0) {
      await this.enqueueMatching(done, done.created + done.updated, [], true);
    }
    return done;
  }
}

function needContentOf(dto: NeedImportRowDto): NeedContent {
  return {
    title: dto.title,
    description: dto.description,
    cpvCodes: dto.cpvCodes ?? [],
    commitmentIds: (dto.commitmentIds ?? []).map((id) => id.toLowerCase()),
    budgetMin: dto.budgetMin === undefined ? null : String(dto.budgetMin),
    budgetMax: dto.budgetMax === undefined ? null : String(dto.budgetMax),
    regions: dto.regions ?? [],
    requiredCertifications: dto.requiredCertifications ?? [],
    essentialRequirements: dto.essentialRequirements ?? [],
    submissionDeadline: dto.submissionDeadline ? new Date(dto.submissionDeadline) : null,
  };
}

function cpvErrors(codes: string[], unknown: Set<string>, field: string): FieldError[] {
  return codes.flatMap((code, index) => (unknown.has(code) ? [{ field: `${field}[${index}]`, message: `${code} is not a CPV code` }] : []));
}

/** Names a need field by the release path it was read from (`budgetMax` → `tender.value.amount`). */
function toOcdsField(error: FieldError): FieldError {
  const head = /^[A-Za-z]+/.exec(error.field)?.[0] ?? error.field;
  return { field: OCDS_FIELD_OF[head] ?? error.field, message: error.message };
}

function isOcdsRelease(value: unknown): boolean {
  return isObject(value) && ('ocid' in value || 'tender' in value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeByRow(a: RowIssue[], b: RowIssue[]): RowIssue[] {
  return b.length === 0 ? a : [...a, ...b].sort((x, y) => x.row - y.row);
}

function countsOf(entity: ImportEntity): Record<string, unknown> {
  return {
    kind: entity.kind,
    status: entity.status,
    total: entity.total,
    processed: entity.processed,
    created: entity.created,
    updated: entity.updated,
    unchanged: entity.unchanged,
    failed: entity.failed,
    published: entity.published,
    notPublished: entity.notPublished,
  };
}
