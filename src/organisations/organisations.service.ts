import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { OrganisationKind, Principal } from 'src/auth/roles';
import { NotFoundError } from 'src/common/errors/domain-error';
import { offsetOf, Page, PaginationQueryDto } from 'src/common/pagination/pagination';
import { OrganisationEntity } from 'src/organisations/organisation.entity';
import { OrganisationsRepository } from 'src/organisations/organisations.repository';

export interface NewOrganisation {
  kind: OrganisationKind;
  name: string;
  companiesHouseNumber?: string | null;
  isSme?: boolean;
}

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsRepository,
    private readonly audit: AuditService,
  ) {}

  create(actor: Principal, input: NewOrganisation): Promise<OrganisationEntity> {
    return this.dataSource.transaction((manager) => this.createWith(manager, actor.userId, input));
  }

  /** Creates inside the caller's transaction (self-registration creates an organisation and its user together). */
  async createWith(manager: EntityManager, actorId: string | null, input: NewOrganisation): Promise<OrganisationEntity> {
    const organisation = await this.organisations.insert(manager, {
      kind: input.kind,
      name: input.name,
      companiesHouseNumber: input.companiesHouseNumber ?? null,
      isSme: input.isSme ?? false,
    });
    await this.audit.record(manager, {
      actorId,
      action: 'organisation.create',
      objectType: 'organisation',
      objectId: organisation.id,
      after: organisation,
    });
    return organisation;
  }

  async get(id: string): Promise<OrganisationEntity> {
    const organisation = await this.organisations.findById(id);
    if (!organisation) throw new NotFoundError('ORGANISATION.NOT_FOUND', 'No such organisation.');
    return organisation;
  }

  findById(id: string): Promise<OrganisationEntity | null> {
    return this.organisations.findById(id);
  }

  async list(query: PaginationQueryDto & { kind?: OrganisationKind }): Promise<Page<OrganisationEntity>> {
    const [items, total] = await this.organisations.findPage(offsetOf(query), query.pageSize, query.kind);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }
}
