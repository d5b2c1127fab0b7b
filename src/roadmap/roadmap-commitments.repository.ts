import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { CommitmentStatus, RoadmapCommitmentEntity } from 'src/roadmap/roadmap-commitment.entity';
import { RoadmapIndicatorEntity } from 'src/roadmap/roadmap-indicator.entity';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';

export type CommitmentValues = Pick<
  RoadmapCommitmentEntity,
  'priority' | 'aims' | 'title' | 'description' | 'leadDepartment' | 'dueDate' | 'status'
>;

export type IndicatorValues = Pick<RoadmapIndicatorEntity, 'commitmentId' | 'name' | 'unit' | 'baseline' | 'target' | 'direction'>;

export interface CommitmentFilters {
  priority?: number;
  aim?: string;
  status?: CommitmentStatus;
  offset: number;
  limit: number;
}

@Injectable()
export class RoadmapCommitmentsRepository {
  constructor(
    @InjectRepository(RoadmapCommitmentEntity) private readonly commitments: Repository<RoadmapCommitmentEntity>,
    @InjectRepository(RoadmapIndicatorEntity) private readonly indicators: Repository<RoadmapIndicatorEntity>,
    @InjectRepository(RoadmapAimEntity) private readonly aims: Repository<RoadmapAimEntity>,
    @InjectRepository(RoadmapPriorityEntity) private readonly priorities: Repository<RoadmapPriorityEntity>,
  ) {}

  /** Which of these aim codes exist: the array column cannot hold a foreign key. */
  async findExistingAimCodes(codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await this.aims.find({ select: { code: true }, where: { code: In(codes) } });
    return new Set(rows.map((row) => row.code));
  }

  priorityExists(number: number): Promise<boolean> {
    return this.priorities.existsBy({ number });
  }

  /** Which of these commitment ids exist (ids must already be UUIDs). */
  async findExistingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.commitments.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  findById(id: string): Promise<RoadmapCommitmentEntity | null> {
    return this.commitments.findOneBy({ id });
  }

  /** Locks the row for the rest of the transaction, so concurrent edits serialise and each audit `before` is true. */
  findForUpdate(manager: EntityManager, id: string): Promise<RoadmapCommitmentEntity | null> {
    return manager.getRepository(RoadmapCommitmentEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Takes a share lock, so the commitment cannot be changed under an indicator being added to it. */
  findForShare(manager: EntityManager, id: string): Promise<RoadmapCommitmentEntity | null> {
    return manager.getRepository(RoadmapCommitmentEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  insert(manager: EntityManager, values: CommitmentValues): Promise<RoadmapCommitmentEntity> {
    return manager.save(manager.create(RoadmapCommitmentEntity, values));
  }

  async update(manager: EntityManager, id: string, changes: Partial<CommitmentValues>): Promise<RoadmapCommitmentEntity> {
    await manager
      .createQueryBuilder()
      .update(RoadmapCommitmentEntity)
      .set({ ...changes, updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
    return manager.getRepository(RoadmapCommitmentEntity).findOneByOrFail({ id });
  }

  /** Ordered as the roadmap reads: by priority, then the nearest due date first. */
  findPage(filters: CommitmentFilters): Promise<[RoadmapCommitmentEntity[], number]> {
    const query = this.commitments.createQueryBuilder('commitment');
    if (filters.priority !== undefined) query.andWhere('commitment.priority = :priority', { priority: filters.priority });
    // `@>` (contains) rather than `= ANY`, so the GIN index on aims serves the filter.
    if (filters.aim !== undefined) query.andWhere('commitment.aims @> ARRAY[:aim]::text[]', { aim: filters.aim });
    if (filters.status !== undefined) query.andWhere('commitment.status = :status', { status: filters.status });
    return query
      .orderBy('commitment.priority', 'ASC')
      .addOrderBy('commitment.dueDate', 'ASC')
      .addOrderBy('commitment.id', 'ASC')
      .skip(filters.offset)
      .take(filters.limit)
      .getManyAndCount();
  }

  /** The indicators of these commitments in one query, oldest first. */
  findIndicatorsOf(commitmentIds: string[], manager?: EntityManager): Promise<RoadmapIndicatorEntity[]> {
    if (commitmentIds.length === 0) return Promise.resolve([]);
    const repository = manager ? manager.getRepository(RoadmapIndicatorEntity) : this.indicators;
    return repository.find({ where: { commitmentId: In(commitmentIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  insertIndicator(manager: EntityManager, values: IndicatorValues): Promise<RoadmapIndicatorEntity> {
    return manager.save(manager.create(RoadmapIndicatorEntity, values));
  }
}
