import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { REGIONS } from 'src/common/domain/procurement-vocabulary';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { CertificationList, CpvCodeList, DateTime, Optional, Pence, RegionList, Text, TextList, UuidList } from 'src/common/http/validators';
import { NEED_STATUSES, NeedStatus } from 'src/needs/domain/need-lifecycle';
import { ProcurementNeedEntity } from 'src/needs/procurement-need.entity';

export const NEED_LIMITS = { title: 300, description: 20_000, requirement: 2000 } as const;

export class CreateNeedDto {
  @ApiProperty({ maxLength: NEED_LIMITS.title, example: 'Digital identity verification service for benefit claimants' })
  @Text(NEED_LIMITS.title)
  title: string;

  @ApiProperty({ maxLength: NEED_LIMITS.description })
  @Text(NEED_LIMITS.description)
  description: string;

  @ApiPropertyOptional({ type: [String], example: ['72000000-5'], default: [] })
  @Optional()
  @CpvCodeList()
  cpvCodes?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', default: [] })
  @Optional()
  @UuidList()
  commitmentIds?: string[];

  @ApiPropertyOptional({ description: 'Pence.', example: 5_000_000_00 })
  @Optional()
  @Pence()
  budgetMin?: number;

  @ApiPropertyOptional({ description: 'Pence; at least budgetMin.', example: 20_000_000_00 })
  @Optional()
  @Pence()
  budgetMax?: number;

  @ApiPropertyOptional({ type: [String], enum: REGIONS, isArray: true, default: [] })
  @Optional()
  @RegionList()
  regions?: string[];

  @ApiPropertyOptional({ type: [String], example: ['cyber-essentials-plus'], default: [] })
  @Optional()
  @CertificationList()
  requiredCertifications?: string[];

  @ApiPropertyOptional({ type: [String], default: [] })
  @Optional()
  @TextList(NEED_LIMITS.requirement)
  essentialRequirements?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Required, and in the future, to publish.' })
  @Optional()
  @DateTime()
  submissionDeadline?: string;
}

export class UpdateNeedDto {
  @ApiPropertyOptional({ maxLength: NEED_LIMITS.title })
  @Optional()
  @Text(NEED_LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ maxLength: NEED_LIMITS.description })
  @Optional()
  @Text(NEED_LIMITS.description)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @CpvCodeList()
  cpvCodes?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @Optional()
  @UuidList()
  commitmentIds?: string[];

  @ApiPropertyOptional({ description: 'Pence.' })
  @Optional()
  @Pence()
  budgetMin?: number;

  @ApiPropertyOptional({ description: 'Pence.' })
  @Optional()
  @Pence()
  budgetMax?: number;

  @ApiPropertyOptional({ type: [String], enum: REGIONS, isArray: true })
  @Optional()
  @RegionList()
  regions?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @CertificationList()
  requiredCertifications?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @TextList(NEED_LIMITS.requirement)
  essentialRequirements?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @DateTime()
  submissionDeadline?: string;
}

export class NeedListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: NEED_STATUSES })
  @IsOptional()
  @IsIn(NEED_STATUSES)
  status?: NeedStatus;

  @ApiPropertyOptional({ description: 'Leading digits of a CPV code the need lists, e.g. 72 or 7222.' })
  @IsOptional()
  @Matches(/^\d{1,8}$/, { message: 'cpv must be 1 to 8 digits' })
  cpv?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  commitmentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The buyer organisation.' })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string;

  @ApiPropertyOptional({ description: 'Words in the title or description.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

export class NeedResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ nullable: true, type: String }) externalId: string | null;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) cpvCodes: string[];
  @ApiProperty({ type: [String] }) commitmentIds: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'Pence.' }) budgetMin: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Pence.' }) budgetMax: number | null;
  @ApiProperty({ type: [String] }) regions: string[];
  @ApiProperty({ type: [String] }) requiredCertifications: string[];
  @ApiProperty({ type: [String] }) essentialRequirements: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) submissionDeadline: string | null;
  @ApiProperty({ enum: NEED_STATUSES }) status: NeedStatus;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class NeedPageResponse {
  @ApiProperty({ type: NeedResponse, isArray: true }) items: NeedResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toNeedResponse(need: ProcurementNeedEntity): NeedResponse {
  return {
    id: need.id,
    organisationId: need.organisationId,
    externalId: need.externalId,
    title: need.title,
    description: need.description,
    cpvCodes: need.cpvCodes,
    commitmentIds: need.commitmentIds,
    budgetMin: need.budgetMin === null ? null : Number(need.budgetMin),
    budgetMax: need.budgetMax === null ? null : Number(need.budgetMax),
    regions: need.regions,
    requiredCertifications: need.requiredCertifications,
    essentialRequirements: need.essentialRequirements,
    submissionDeadline: need.submissionDeadline?.toISOString() ?? null,
    status: need.status,
    version: need.version,
    publishedAt: need.publishedAt?.toISOString() ?? null,
    createdAt: need.createdAt.toISOString(),
    updatedAt: need.updatedAt.toISOString(),
  };
}
