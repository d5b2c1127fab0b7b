import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_LIST_ITEMS, REGIONS } from 'src/common/domain/procurement-vocabulary';
import { CertificationList, CpvCodeList, Optional, OptionalText, Pence, RegionList, Text, TextList } from 'src/common/http/validators';
import { OrganisationEntity } from 'src/organisations/organisation.entity';
import { SupplierProfileEntity } from 'src/suppliers/supplier-profile.entity';

export const PROFILE_LIMITS = { summary: 5000, capability: 300, caseStudyTitle: 300, caseStudyDescription: 5000 } as const;

export class CaseStudyDto {
  @ApiProperty({ maxLength: PROFILE_LIMITS.caseStudyTitle })
  @Text(PROFILE_LIMITS.caseStudyTitle)
  title: string;

  @ApiProperty({ maxLength: PROFILE_LIMITS.caseStudyDescription })
  @Text(PROFILE_LIMITS.caseStudyDescription)
  description: string;
}

export class PutSupplierProfileDto {
  @ApiProperty({ maxLength: PROFILE_LIMITS.summary, example: 'User-centred digital services for local government.' })
  @OptionalText(PROFILE_LIMITS.summary)
  summary: string;

  @ApiProperty({ type: [String], example: ['GOV.UK Design System', 'accessibility audits'] })
  @TextList(PROFILE_LIMITS.capability)
  capabilities: string[];

  @ApiProperty({ type: [CaseStudyDto] })
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CaseStudyDto)
  caseStudies: CaseStudyDto[];

  @ApiProperty({ type: [String], example: ['72000000-5'] })
  @CpvCodeList()
  cpvCodes: string[];

  @ApiProperty({ type: [String], example: ['cyber-essentials-plus'] })
  @CertificationList()
  certifications: string[];

  @ApiProperty({ type: [String], enum: REGIONS, isArray: true })
  @RegionList()
  regions: string[];

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Largest contract the supplier can take on, in pence; null for no limit.' })
  @Optional()
  @ValidateIf((_object, value) => value !== null)
  @Pence()
  maxContractValue?: number | null;
}

export class SupplierProfileResponse {
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() summary: string;
  @ApiProperty({ type: [String] }) capabilities: string[];
  @ApiProperty({ type: [CaseStudyDto] }) caseStudies: CaseStudyDto[];
  @ApiProperty({ type: [String] }) cpvCodes: string[];
  @ApiProperty({ type: [String] }) certifications: string[];
  @ApiProperty({ type: [String] }) regions: string[];
  @ApiProperty({ nullable: true, type: Number }) maxContractValue: number | null;
  @ApiProperty({ description: '0 until the profile is first saved; +1 on every save.' }) version: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updatedAt: string | null;
}

export class PublicSupplierResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() isSme: boolean;
  @ApiProperty({ nullable: true, type: String }) companiesHouseNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) externalId: string | null;
  @ApiProperty({ type: SupplierProfileResponse, nullable: true }) profile: SupplierProfileResponse | null;
}

export function toSupplierProfileResponse(supplierId: string, profile: SupplierProfileEntity | null): SupplierProfileResponse {
  return {
    supplierId,
    summary: profile?.summary ?? '',
    capabilities: profile?.capabilities ?? [],
    caseStudies: (profile?.caseStudies ?? []).map(({ title, description }) => ({ title, description })),
    cpvCodes: profile?.cpvCodes ?? [],
    certifications: profile?.certifications ?? [],
    regions: profile?.regions ?? [],
    maxContractValue: profile?.maxContractValue == null ? null : Number(profile.maxContractValue),
    version: profile?.version ?? 0,
    updatedAt: profile?.updatedAt.toISOString() ?? null,
  };
}

export function toPublicSupplierResponse(organisation: OrganisationEntity, profile: SupplierProfileEntity | null): PublicSupplierResponse {
  return {
    id: organisation.id,
    name: organisation.name,
    isSme: organisation.isSme,
    companiesHouseNumber: organisation.companiesHouseNumber,
    externalId: organisation.externalId,
    profile: profile ? toSupplierProfileResponse(organisation.id, profile) : null,
  };
}
