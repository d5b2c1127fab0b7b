import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CaseStudy, SupplierProfileEntity } from 'src/suppliers/supplier-profile.entity';

export interface ProfileValues {
  summary: string;
  capabilities: string[];
  caseStudies: CaseStudy[];
  cpvCodes: string[];
  certifications: string[];
  regions: string[];
  maxContractValue: string | null;
}

@Injectable()
export class SupplierProfilesRepository {
  constructor(@InjectRepository(SupplierProfileEntity) private readonly profiles: Repository<SupplierProfileEntity>) {}

  findByOrganisation(organisationId: string): Promise<SupplierProfileEntity | null> {
    return this.profiles.findOneBy({ organisationId });
  }

  findForUpdate(manager: EntityManager, organisationId: string): Promise<SupplierProfileEntity | null> {
    return manager.getRepository(SupplierProfileEntity).findOne({ where: { organisationId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Replaces the whole profile and bumps its version (1 for the first save), in one statement. */
  async replace(manager: EntityManager, organisationId: string, values: ProfileValues): Promise<SupplierProfileEntity> {
    await manager.query(
      `INSERT INTO supplier_profiles
         (organisation_id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, version, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, 1, now())
       ON CONFLICT (organisation_id) DO UPDATE SET
         summary = EXCLUDED.summary, capabilities = EXCLUDED.capabilities, case_studies = EXCLUDED.case_studies,
         cpv_codes = EXCLUDED.cpv_codes, certifications = EXCLUDED.certifications, regions = EXCLUDED.regions,
         max_contract_value = EXCLUDED.max_contract_value, version = supplier_profiles.version + 1, updated_at = now()`,
      [
        organisationId,
        values.summary,
        values.capabilities,
        JSON.stringify(values.caseStudies),
        values.cpvCodes,
        values.certifications,
        values.regions,
        values.maxContractValue,
      ],
    );
    return manager.getRepository(SupplierProfileEntity).findOneByOrFail({ organisationId });
  }
}
