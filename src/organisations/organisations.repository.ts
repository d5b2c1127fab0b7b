import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrganisationEntity } from 'src/organisations/organisation.entity';

@Injectable()
export class OrganisationsRepository {
  constructor(@InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>) {}

  async insert(manager: EntityManager, values: Omit<OrganisationEntity, 'id' | 'createdAt' | 'externalId'> & { externalId?: string | null }): Promise<OrganisationEntity> {
    const entity = manager.create(OrganisationEntity, values);
    return manager.save(entity);
  }

  findById(id: string): Promise<OrganisationEntity | null> {
    return this.organisations.findOneBy({ id });
  }

  findPage(offset: number, limit: number, kind?: string): Promise<[OrganisationEntity[], number]> {
    return this.organisations.findAndCount({
      where: kind ? { kind: kind as OrganisationEntity['kind'] } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }
}
