import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { DomainError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, Page, PaginationQueryDto } from 'src/common/pagination/pagination';
import { ImportEntity } from 'src/imports/import.entity';
import { CSV_MEDIA_TYPE, ImportMediaType, ImportUpload, JSON_MEDIA_TYPE, NDJSON_MEDIA_TYPE } from 'src/imports/import-upload';
import { ImportsRepository } from 'src/imports/imports.repository';
import type { ImportFormat, ImportKind } from 'src/imports/domain/import.types';
import { ReleasePackageShapeError } from 'src/imports/domain/release-package';
import { createRowReader, RowReader } from 'src/imports/domain/row-reader';
import { readSupplierCsvHeader } from 'src/imports/domain/supplier-csv';
import { JobsService } from 'src/queue/jobs.service';

/** Uploads are stored in pieces of about this size (PostgreSQL reads and writes 1 MB values cheaply). */
const CHUNK_BYTES = 1024 * 1024;

const FORMAT_OF: Record<ImportKind, Partial<Record<ImportMediaType, ImportFormat>>> = {
  suppliers: { [NDJSON_MEDIA_TYPE]: 'ndjson', [CSV_MEDIA_TYPE]: 'csv' },
  needs: { [NDJSON_MEDIA_TYPE]: 'ndjson', [JSON_MEDIA_TYPE]: 'ocds-package' },
};

/**
 * The API side of imports: takes an upload as a stream, stores it in PostgreSQL in ~1 MB pieces
 * (so that a worker on any machine can read it) while counting its rows, and queues its processing.
 * The upload is one transaction: an import exists, with its whole body, or not at all.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportsRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(principal: Principal, kind: ImportKind, upload: ImportUpload | undefined, options: { publish?: boolean } = {}): Promise<ImportEntity> {
    if (!upload) throw emptyBody();
    const format = FORMAT_OF[kind][upload.mediaType];
    if (!format) {
      const accepted = Object.keys(FORMAT_OF[kind]).join(' or ');
      throw new DomainError('unsupported_media_type', 'IMPORT.UNSUPPORTED_MEDIA_TYPE', `A ${kind} import is ${accepted}.`, [
        { field: 'Content-Type', message: `must be ${accepted}` },
      ]);
    }
    const organisationId = kind === 'needs' ? ownOrganisation(principal) : null;
    const created = await this.dataSource.transaction(async (manager) => {
      const importId = await this.imports.insert(manager, {
        kind,
        format,
        organisationId,
        createdBy: principal.userId,
        publish: kind === 'needs' && options.publish === true,
      });
      const reader = createRowReader(format);
      const decoder = new StringDecoder('utf8');
      const counter = new RowCounter(kind, reader);
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let bytes = 0;
      let chunks = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        await this.imports.insertChunk(manager, importId, chunks++, pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      for await (const piece of upload.stream as AsyncIterable<Buffer>) {
        bytes += piece.length;
        if (bytes > this.config.importBodyLimitBytes) throw tooLarge(this.config.importBodyLimitBytes);
        counter.add(decoder.write(piece));
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      counter.add(decoder.end());
      counter.finish();
      await flush();
      if (counter.rows === 0) throw emptyBody();
      const entity = await this.imports.recordUpload(manager, importId, { byteSize: bytes, chunkCount: chunks, total: counter.rows });
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'import.start',
        objectType: 'import',
        objectId: importId,
        after: { kind, format, organisationId, publish: entity.publish, bytes, total: counter.rows },
      });
      return entity;
    });
    try {
      await this.jobs.enqueue('import.process', { importId: created.id });
    } catch (error) {
      // Stored and committed already: the imports reconciler enqueues every queued import it finds.
      this.logger.warn(`import ${created.id} not enqueued now; the reconciler will enqueue it: ${(error as Error).message}`);
    }
    return created;
  }

  /** An import the principal may see: admins see all; others their organisation's. 404 otherwise. */
  async get(principal: Principal, id: string): Promise<ImportEntity> {
    const found = await this.imports.findById(id);
    if (!found || !(principal.role === 'admin' || (found.organisationId !== null && found.organisationId === principal.organisationId))) {
      throw new NotFoundError('IMPORT.NOT_FOUND', 'No such import.');
    }
    return found;
  }

  async list(principal: Principal, query: PaginationQueryDto): Promise<Page<ImportEntity>> {
    const organisationId = principal.role === 'admin' ? null : ownOrganisation(principal);
    const [items, total] = await this.imports.findPage(organisationId, offsetOf(query), query.pageSize);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }
}

/**
 * Counts rows as the upload streams in, with the worker's own reader, and refuses at once what can
 * never be imported: a CSV header with unknown or missing columns, a JSON body that is not a release
 * package. Rows themselves are judged by the worker.
 */
class RowCounter {
  rows = 0;
  private headerChecked = false;

  constructor(
    private readonly kind: ImportKind,
    private readonly reader: RowReader,
  ) {}

  add(text: string): void {
    if (text.length === 0) return;
    this.guard(() => (this.rows += this.reader.push(text).length));
  }

  finish(): void {
    this.guard(() => (this.rows += this.reader.end().length));
  }

  private guard(read: () => void): void {
    try {
      read();
    } catch (error) {
      if (error instanceof ReleasePackageShapeError) {
        throw new ValidationFailedError([{ field: 'body', message: error.message }], 'The body is not an OCDS release package.');
      }
      throw error;
    }
    this.checkHeader();
  }

  private checkHeader(): void {
    const header = this.reader.csvHeader;
    if (this.headerChecked || header === null || this.kind !== 'suppliers') return;
    this.headerChecked = true;
    const { problems } = readSupplierCsvHeader(header);
    if (problems.length > 0) throw new ValidationFailedError(problems, 'The CSV header is not one this import reads.');
  }
}

function ownOrganisation(principal: Principal): string {
  if (!principal.organisationId) throw new DomainError('forbidden', 'AUTH.NO_ORGANISATION', 'You belong to no organisation.');
  return principal.organisationId;
}

function emptyBody(): ValidationFailedError {
  return new ValidationFailedError([{ field: 'body', message: 'the upload holds no rows' }], 'The upload is empty.');
}

function tooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', 'REQUEST.BODY_TOO_LARGE', `The upload is larger than the limit of ${limit} bytes.`, [
    { field: 'body', message: 'too large' },
  ]);
}
