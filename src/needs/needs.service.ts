import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { ConflictError, DomainError, FieldError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, Page } from 'src/common/pagination/pagination';
import { CpvService } from 'src/cpv/cpv.service';
import { ReadCache } from 'src/database/read-cache';
import { CreateNeedDto, NeedListQueryDto, toNeedResponse, UpdateNeedDto } from 'src/needs/dto/need.dto';
import { isEditable, isPublished, NeedAction, transition } from 'src/needs/domain/need-lifecycle';
import { NeedsRepository, NeedValues } from 'src/needs/needs.repository';
import { ProcurementNeedEntity } from 'src/needs/procurement-need.entity';
import { JobsService } from 'src/queue/jobs.service';
import { RoadmapService } from 'src/roadmap/roadmap.service';

@Injectable()
export class NeedsService {
  private readonly logger = new Logger(NeedsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly cpv: CpvService,
    private readonly roadmap: RoadmapService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly cache: ReadCache,
  ) {}

  async create(principal: Principal, input: CreateNeedDto): Promise<ProcurementNeedEntity> {
    const values = toValues(input);
    await this.assertValid(values);
    return this.dataSource.transaction(async (manager) => {
      const need = await this.needs.insert(manager, ownOrganisation(principal), values);
      await this.audit.record(manager, { actorId: principal.userId, action: 'need.create', objectType: 'need', objectId: need.id, after: need });
      return need;
    });
  }

  async list(principal: Principal | null, query: NeedListQueryDto): Promise<Page<ProcurementNeedEntity>> {
    const [items, total] = await this.needs.findPage({
      status: query.status,
      cpvPrefix: query.cpv,
      commitmentId: query.commitmentId,
      organisationId: query.organisationId,
      text: query.q,
      readerOrganisationId: principal?.organisationId ?? null,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  /**
   * The JSON of a NeedPageResponse for this reader and query (a public and busy read), from the read
   * cache when no change to a need has made it stale.
   */
  async listBody(principal: Principal | null, query: NeedListQueryDto): Promise<Buffer> {
    // The reader's organisation is part of the key: its drafts are in its lists and in no one else's.
    const key = `needs:${principal?.organisationId ?? ''}:${JSON.stringify(query)}`;
    const cached = await this.cache.body(key, ['needs'], async () => {
      const page = await this.list(principal, query);
      return { body: Buffer.from(JSON.stringify({ ...page, items: page.items.map(toNeedResponse) })) };
    });
    return cached!.body;
  }

  /** A need the reader may see: published, or its own organisation's. Anything else is 404. */
  async get(principal: Principal | null, id: string): Promise<ProcurementNeedEntity> {
    const need = await this.needs.findById(id);
    if (!need || !(isPublished(need.status) || need.organisationId === principal?.organisationId)) throw needNotFound();
    return need;
  }

  /** A need the principal's organisation owns (404 otherwise), for its buyers' decisions. */
  async getOwned(principal: Principal, id: string): Promise<ProcurementNeedEntity> {
    const need = await this.needs.findById(id);
    if (!need || need.organisationId !== principal.organisationId) throw needNotFound();
    return need;
  }

  async update(principal: Principal, id: string, expectedVersion: number, input: UpdateNeedDto, now = new Date()): Promise<ProcurementNeedEntity> {
    if (Object.keys(input).length === 0) {
      throw new ValidationFailedError([{ field: 'body', message: 'send at least one field to change' }]);
    }
    const changes = toChanges(input);
    const updated = await this.dataSource.transaction(async (manager) => {
      const before = await this.lockOwned(manager, principal, id);
      if (!isEditable(before.status)) {
        throw new ConflictError('NEED.NOT_EDITABLE', `A ${before.status} need cannot be edited.`);
      }
      if (before.version !== expectedVersion) throw staleVersion(before.version);
      const merged: NeedValues = { ...pickValues(before), ...changes };
      await this.assertValid(merged, Object.keys(changes));
      if (before.status === 'open') assertDeadlineAhead(merged.submissionDeadline, now);
      const need = await this.needs.updateIfVersion(manager, id, expectedVersion, changes);
      if (!need) throw staleVersion(before.version + 1);
      await this.audit.record(manager, { actorId: principal.userId, action: 'need.update', objectType: 'need', objectId: id, before, after: need });
      return need;
    });
    // An open need's matches are re-scored for its new content; a draft is scored when published.
    if (updated.status === 'open') await this.enqueue(() => this.jobs.enqueue('need.change', { needId: id, needVersion: updated.version }));
    return updated;
  }

  async changeStatus(principal: Principal, id: string, action: Exclude<NeedAction, 'award'>, now = new Date()): Promise<ProcurementNeedEntity> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const before = await this.lockOwned(manager, principal, id);
      const result = transition(before.status, action);
      if (!result.ok) throw new ConflictError('NEED.INVALID_TRANSITION', `This need cannot be ${action}ed: ${result.reason}.`);
      if (action === 'publish') assertDeadlineAhead(before.submissionDeadline, now);
      const need = await this.needs.updateIfVersion(manager, id, before.version, {
        status: result.to,
        ...(action === 'publish' ? { publishedAt: now } : {}),
      });
      if (!need) throw staleVersion(before.version + 1);
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: `need.${action}`,
        objectType: 'need',
        objectId: id,
        before: { status: before.status, version: before.version },
        after: { status: need.status, version: need.version },
      });
      return need;
    });
    if (action === 'publish') await this.enqueue(() => this.jobs.enqueue('need.publish', { needId: id, needVersion: updated.version }));
    return updated;
  }

  /**
   * Moves an owned open or closed need to awarded inside the caller's transaction (the award writes
   * its contract in the same one). The row lock makes concurrent awards of one need queue here.
   */
  async markAwarded(manager: EntityManager, principal: Principal, id: string): Promise<ProcurementNeedEntity> {
    const before = await this.lockOwned(manager, principal, id);
    const result = transition(before.status, 'award');
    if (!result.ok) throw new ConflictError('NEED.INVALID_TRANSITION', `This need cannot be awarded: ${result.reason}.`);
    const need = await this.needs.updateIfVersion(manager, id, before.version, { status: result.to });
    if (!need) throw staleVersion(before.version + 1);
    await this.audit.record(manager, {
      actorId: principal.userId,
      action: 'need.award',
      objectType: 'need',
      objectId: id,
      before: { status: before.status, version: before.version },
      after: { status: need.status, version: need.version },
    });
    return need;
  }

  private async lockOwned(manager: EntityManager, principal: Principal, id: string): Promise<ProcurementNeedEntity> {
    const need = await this.needs.findForUpdate(manager, id);
    if (!need || need.organisationId !== principal.organisationId) throw needNotFound();
    return need;
  }

  /** References must exist and budgets must be ordered; every problem is reported at once. */
  private async assertValid(values: NeedValues, changedFields?: string[]): Promise<void> {
    const errors: FieldError[] = [];
    const touched = (field: string) => !changedFields || changedFields.includes(field);
    if (touched('cpvCodes')) {
      for (const { index, code } of await this.cpv.findUnknown(values.cpvCodes)) {
        errors.push({ field: `cpvCodes[${index}]`, message: `${code} is not a CPV code` });
      }
    }
    if (touched('commitmentIds')) {
      for (const { index, id } of await this.roadmap.findUnknownCommitmentIds(values.commitmentIds)) {
        errors.push({ field: `commitmentIds[${index}]`, message: `no roadmap commitment ${id}` });
      }
    }
    if (values.budgetMin !== null && values.budgetMax !== null && BigInt(values.budgetMin) > BigInt(values.budgetMax)) {
      errors.push({ field: 'budgetMin', message: 'budgetMin must not exceed budgetMax' });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }

  // The write has committed; if Redis is away the job is re-created by the matching reconciler, which
  // compares each open need's version with the version its matches were scored at.
  private async enqueue(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`matching job not enqueued now; the reconciler will enqueue it: ${(error as Error).message}`);
    }
  }
}

function ownOrganisation(principal: Principal): string {
  if (!principal.organisationId) throw new DomainError('forbidden', 'AUTH.NO_ORGANISATION', 'You belong to no organisation.');
  return principal.organisationId;
}

function needNotFound(): NotFoundError {
  return new NotFoundError('NEED.NOT_FOUND', 'No such need.');
}

function staleVersion(current: number): DomainError {
  return new DomainError('precondition_failed', 'NEED.VERSION_MISMATCH', `The need has changed since you read it (now version ${current}).`, [
    { field: 'If-Match', message: `the current version is ${current}` },
  ]);
}

function assertDeadlineAhead(deadline: Date | null, now: Date): void {
  if (!deadline) {
    throw new ValidationFailedError([{ field: 'submissionDeadline', message: 'a need needs a submission deadline to be published' }]);
  }
  if (deadline.getTime() <= now.getTime()) {
    throw new ValidationFailedError([{ field: 'submissionDeadline', message: 'the submission deadline must be in the future' }]);
  }
}

function toValues(input: CreateNeedDto): NeedValues {
  return {
    title: input.title,
    description: input.description,
    cpvCodes: input.cpvCodes ?? [],
    commitmentIds: (input.commitmentIds ?? []).map((id) => id.toLowerCase()),
    budgetMin: input.budgetMin === undefined ? null : String(input.budgetMin),
    budgetMax: input.budgetMax === undefined ? null : String(input.budgetMax),
    regions: input.regions ?? [],
    requiredCertifications: input.requiredCertifications ?? [],
    essentialRequirements: input.essentialRequirements ?? [],
    submissionDeadline: input.submissionDeadline ? new Date(input.submissionDeadline) : null,
  };
}

function toChanges(input: UpdateNeedDto): Partial<NeedValues> {
  const changes: Partial<NeedValues> = {};
  if (input.title !== undefined) changes.title = input.title;
  if (input.description !== undefined) changes.description = input.description;
  if (input.cpvCodes !== undefined) changes.cpvCodes = input.cpvCodes;
  if (input.commitmentIds !== undefined) changes.commitmentIds = input.commitmentIds.map((id) => id.toLowerCase());
  if (input.budgetMin !== undefined) changes.budgetMin = String(input.budgetMin);
  if (input.budgetMax !== undefined) changes.budgetMax = String(input.budgetMax);
  if (input.regions !== undefined) changes.regions = input.regions;
  if (input.requiredCertifications !== undefined) changes.requiredCertifications = input.requiredCertifications;
  if (input.essentialRequirements !== undefined) changes.essentialRequirements = input.essentialRequirements;
  if (input.submissionDeadline !== undefined) changes.submissionDeadline = new Date(input.submissionDeadline);
  return changes;
}

function pickValues(need: ProcurementNeedEntity): NeedValues {
  return {
    title: need.title,
    description: need.description,
    cpvCodes: need.cpvCodes,
    commitmentIds: need.commitmentIds,
    budgetMin: need.budgetMin,
    budgetMax: need.budgetMax,
    regions: need.regions,
    requiredCertifications: need.requiredCertifications,
    essentialRequirements: need.essentialRequirements,
    submissionDeadline: need.submissionDeadline,
  };
}
