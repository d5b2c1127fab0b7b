import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { CpvService } from 'src/cpv/cpv.service';
import { OrganisationEntity } from 'src/organisations/organisation.entity';
import { OrganisationsService } from 'src/organisations/organisations.service';
import { JobsService } from 'src/queue/jobs.service';
import { PutSupplierProfileDto } from 'src/suppliers/dto/supplier-profile.dto';
import { SupplierProfileEntity } from 'src/suppliers/supplier-profile.entity';
import { SupplierProfilesRepository } from 'src/suppliers/supplier-profiles.repository';

@Injectable()
export class SupplierProfilesService {
  private readonly logger = new Logger(SupplierProfilesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: SupplierProfilesRepository,
    private readonly organisations: OrganisationsService,
    private readonly cpv: CpvService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  getOwn(principal: Principal): Promise<SupplierProfileEntity | null> {
    return this.profiles.findByOrganisation(supplierOf(principal));
  }

  /** Replaces the calling supplier's profile, bumps its version and re-scores it against open needs. */
  async replaceOwn(principal: Principal, input: PutSupplierProfileDto): Promise<SupplierProfileEntity> {
    const organisationId = supplierOf(principal);
    const unknown = await this.cpv.findUnknown(input.cpvCodes);
    if (unknown.length > 0) {
      throw new ValidationFailedError(unknown.map(({ index, code }) => ({ field: `cpvCodes[${index}]`, message: `${code} is not a CPV code` })));
    }
    const profile = await this.dataSource.transaction(async (manager) => {
      const before = await this.profiles.findForUpdate(manager, organisationId);
      const after = await this.profiles.replace(manager, organisationId, {
        summary: input.summary,
        capabilities: input.capabilities,
        caseStudies: input.caseStudies.map(({ title, description }) => ({ title, description })),
        cpvCodes: input.cpvCodes,
        certifications: input.certifications,
        regions: input.regions,
        maxContractValue: input.maxContractValue == null ? null : String(input.maxContractValue),
      });
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'profile.replace',
        objectType: 'supplier-profile',
        objectId: organisationId,
        before,
        after,
      });
      return after;
    });
    try {
      await this.jobs.enqueue('profile.change', { supplierId: organisationId, profileVersion: profile.version });
    } catch (error) {
      // Committed already; the matching reconciler re-creates the job from the profile's version.
      this.logger.warn(`profile.change not enqueued now: ${(error as Error).message}`);
    }
    return profile;
  }

  /** The public view of any supplier organisation; 404 for buyers and unknown ids. */
  async getPublic(id: string): Promise<{ organisation: OrganisationEntity; profile: SupplierProfileEntity | null }> {
    const organisation = await this.organisations.findById(id);
    if (!organisation || organisation.kind !== 'supplier') throw new NotFoundError('SUPPLIER.NOT_FOUND', 'No such supplier.');
    return { organisation, profile: await this.profiles.findByOrganisation(id) };
  }
}

function supplierOf(principal: Principal): string {
  if (principal.role !== 'supplier' || !principal.organisationId) {
    throw new NotFoundError('SUPPLIER.NOT_FOUND', 'No supplier profile for this account.');
  }
  return principal.organisationId;
}
