import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { PUBLISHED_STATUSES, NeedStatus } from 'src/needs/domain/need-lifecycle';
import { ProcurementNeedEntity } from 'src/needs/procurement-need.entity';

export interface NeedFilters {
  status?: NeedStatus;
  cpvPrefix?: string;
  commitmentId?: string;
  organisationId?: string;
  text?: string;
  /** The reader's organisation: its drafts and cancelled needs are visible to it alone. */
  readerOrganisationId: string | null;
  offset: number;
  limit: number;
}

export type NeedValues = Pick<
  ProcurementNeedEntity,
  | 'title'
  | 'description'
  | 'cpvCodes'
  | 'commitmentIds'
  | 'budgetMin'
  | 'budgetMax'
  | 'regions'
  | 'requiredCertifications'
  | 'essentialRequirements'
  | 'submissionDeadline'
>;

@Injectable()
export class NeedsRepository {
  constructor(@InjectRepository(ProcurementNeedEntity) private readonly needs: Repository<ProcurementNeedEntity>) {}

  findById(id: string): Promise<ProcurementNeedEntity | null> {
    return this.needs.findOneBy({ id });
  }

  /** Locks the row for the rest of the transaction, so status changes and edits serialise. */
  findForUpdate(manager: EntityManager, id: string): Promise<ProcurementNeedEntity | null> {
    return manager.getRepository(ProcurementNeedEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, organisationId: string, values: NeedValues): Promise<ProcurementNeedEntity> {
    const entity = manager.create(ProcurementNeedEntity, { ...values, organisationId, status: 'draft', version: 1 });
    return manager.save(entity);
  }

  /**
   * A conditional UPDATE: it applies only while the row still has the version the client read, so
   * of several concurrent edits made from the same version exactly one wins. Returns null when the
   * version moved on.
   */
  async updateIfVersion(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    changes: Partial<NeedValues> & { status?: NeedStatus; publishedAt?: Date },
  ): Promise<ProcurementNeedEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .update(ProcurementNeedEntity)
      .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' })
      .where('id = :id AND version = :expectedVersion', { id, expectedVersion })
      .execute();
    if (result.affected !== 1) return null;
    return manager.getRepository(ProcurementNeedEntity).findOneByOrFail({ id });
  }

  async findPage(filters: NeedFilters): Promise<[ProcurementNeedEntity[], number]> {
    const query = this.needs.createQueryBuilder('need');
    query.where(
      new Brackets((visible) => {
        visible.where('need.status IN (:...published)', { published: PUBLISHED_STATUSES });
        if (filters.readerOrganisationId) {
          visible.orWhere('need.organisation_id = :reader', { reader: filters.readerOrganisationId });
        }
      }),
    );
    if (filters.status) query.andWhere('need.status = :status', { status: filters.status });
    if (filters.organisationId) query.andWhere('need.organisation_id = :organisationId', { organisationId: filters.organisationId });
    if (filters.commitmentId) query.andWhere(':commitmentId = ANY(need.commitment_ids)', { commitmentId: filters.commitmentId });
    if (filters.cpvPrefix) {
      query.andWhere('EXISTS (SELECT 1 FROM unnest(need.cpv_codes) AS code WHERE code LIKE :cpvPrefix)', {
        cpvPrefix: `${filters.cpvPrefix}%`,
      });
    }
    if (filters.text) {
      query.andWhere(`(need.title ILIKE :text ESCAPE '\\' OR need.description ILIKE :text ESCAPE '\\')`, {
        text: `%${filters.text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
      });
    }
    return query.orderBy('need.created_at', 'DESC').addOrderBy('need.id', 'ASC').skip(filters.offset).take(filters.limit).getManyAndCount();
  }
}
