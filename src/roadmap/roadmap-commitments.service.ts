import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { FieldError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, Page } from 'src/common/pagination/pagination';
import { CommitmentListQueryDto, CreateCommitmentDto, CreateIndicatorDto, UpdateCommitmentDto } from 'src/roadmap/dto/roadmap-commitment.dto';
import { RoadmapCommitmentEntity } from 'src/roadmap/roadmap-commitment.entity';
import { CommitmentValues, RoadmapCommitmentsRepository } from 'src/roadmap/roadmap-commitments.repository';
import { IndicatorDirection, RoadmapIndicatorEntity } from 'src/roadmap/roadmap-indicator.entity';

/** A commitment with its outcome-level indicators, oldest first. */
export interface CommitmentWithIndicators {
  commitment: RoadmapCommitmentEntity;
  indicators: RoadmapIndicatorEntity[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class RoadmapCommitmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly commitments: RoadmapCommitmentsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Principal, input: CreateCommitmentDto): Promise<CommitmentWithIndicators> {
    const values: CommitmentValues = {
      priority: input.priority,
      aims: input.aims ?? [],
      title: input.title,
      description: input.description,
      leadDepartment: input.leadDepartment,
      dueDate: input.dueDate,
      status: input.status ?? 'planned',
    };
    await this.assertReferences(values);
    const commitment = await this.dataSource.transaction(async (manager) => {
      const created = await this.commitments.insert(manager, values);
      await this.audit.record(manager, {
        actorId: actor.userId,
        action: 'commitment.create',
        objectType: 'commitment',
        objectId: created.id,
        after: created,
      });
      return created;
    });
    return { commitment, indicators: [] };
  }

  async list(query: CommitmentListQueryDto): Promise<Page<CommitmentWithIndicators>> {
    const [commitments, total] = await this.commitments.findPage({
      priority: query.priority,
      aim: query.aim,
      status: query.status,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    const indicators = await this.commitments.findIndicatorsOf(commitments.map((commitment) => commitment.id));
    const items = commitments.map((commitment) => ({
      commitment,
      indicators: indicators.filter((indicator) => indicator.commitmentId === commitment.id),
    }));
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  /** One commitment with its indicators; 404 `COMMITMENT.NOT_FOUND` when there is none. */
  async getCommitment(id: string): Promise<CommitmentWithIndicators> {
    const commitment = UUID.test(id) ? await this.commitments.findById(id) : null;
    if (!commitment) throw commitmentNotFound();
    return { commitment, indicators: await this.commitments.findIndicatorsOf([commitment.id]) };
  }

  async update(actor: Principal, id: string, input: UpdateCommitmentDto): Promise<CommitmentWithIndicators> {
    const changes = definedFields(input);
    if (Object.keys(changes).length === 0) {
      throw new ValidationFailedError([{ field: 'body', message: 'send at least one field to change' }]);
    }
    return this.dataSource.transaction(async (manager) => {
      const before = await this.commitments.findForUpdate(manager, id);
      if (!before) throw commitmentNotFound();
      await this.assertReferences(changes);
      const after = await this.commitments.update(manager, id, changes);
      await this.audit.record(manager, {
        actorId: actor.userId,
        action: 'commitment.update',
        objectType: 'commitment',
        objectId: id,
        before,
        after,
      });
      return { commitment: after, indicators: await this.commitments.findIndicatorsOf([id], manager) };
    });
  }

  async addIndicator(actor: Principal, commitmentId: string, input: CreateIndicatorDto): Promise<RoadmapIndicatorEntity> {
    const problem = targetProblem(input.direction, input.baseline, input.target);
    if (problem) throw new ValidationFailedError([{ field: 'target', message: problem }]);
    return this.dataSource.transaction(async (manager) => {
      const commitment = await this.commitments.findForShare(manager, commitmentId);
      if (!commitment) throw commitmentNotFound();
      const indicator = await this.commitments.insertIndicator(manager, {
        commitmentId,
        name: input.name,
        unit: input.unit,
        // The shortest decimal that reads back as the same double: numeric keeps it exactly.
        baseline: String(input.baseline),
        target: String(input.target),
        direction: input.direction,
      });
      await this.audit.record(manager, {
        actorId: actor.userId,
        action: 'indicator.create',
        objectType: 'indicator',
        objectId: indicator.id,
        after: indicator,
      });
      return indicator;
    });
  }

  /**
   * The ids in the list that name no commitment, with their position, so that a request can be
   * refused naming each bad one (`commitmentIds[2]`). Ids that are not UUIDs are unknown too.
   */
  async findUnknownCommitmentIds(ids: string[]): Promise<{ index: number; id: string }[]> {
    const candidates = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    const existing = await this.commitments.findExistingIds(candidates);
    return ids.map((id, index) => ({ index, id })).filter(({ id }) => !existing.has(id.toLowerCase()));
  }

  /** Aim codes and the priority must name reference data; every problem is reported at once. */
  private async assertReferences(values: Partial<CommitmentValues>): Promise<void> {
    const errors: FieldError[] = [];
    if (values.priority !== undefined && !(await this.commitments.priorityExists(values.priority))) {
      errors.push({ field: 'priority', message: `there is no roadmap priority ${values.priority}` });
    }
    if (values.aims !== undefined) {
      const existing = await this.commitments.findExistingAimCodes(values.aims);
      values.aims.forEach((code, index) => {
        if (!existing.has(code)) errors.push({ field: `aims[${index}]`, message: `${code} is not a roadmap aim code` });
      });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }
}

/** Why a target cannot be reached in the indicator's direction, or null when it can. */
function targetProblem(direction: IndicatorDirection, baseline: number, target: number): string | null {
  if (direction === 'increase' && !(target > baseline)) return 'target must be above the baseline for an increase';
  if (direction === 'decrease' && !(target < baseline)) return 'target must be below the baseline for a decrease';
  return null;
}

function definedFields(input: UpdateCommitmentDto): Partial<CommitmentValues> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<CommitmentValues>;
}

function commitmentNotFound(): NotFoundError {
  return new NotFoundError('COMMITMENT.NOT_FOUND', 'No such roadmap commitment.');
}
