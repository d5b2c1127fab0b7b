import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MAX_LIST_ITEMS } from 'src/common/domain/procurement-vocabulary';
import { CalendarDate, FiniteNumber, Text } from 'src/common/http/validators';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { COMMITMENT_STATUSES, CommitmentStatus, RoadmapCommitmentEntity } from 'src/roadmap/roadmap-commitment.entity';
import { INDICATOR_DIRECTIONS, IndicatorDirection, RoadmapIndicatorEntity } from 'src/roadmap/roadmap-indicator.entity';

export const COMMITMENT_LIMITS = { title: 300, description: 20_000, leadDepartment: 300, aimCode: 64 } as const;
export const INDICATOR_LIMITS = { name: 300, unit: 100 } as const;

// Optional, but never null: an explicit null would otherwise skip validation and reach a NOT NULL column.
const Optional = () => ValidateIf((_object, value) => value !== undefined);

const AimCodeList = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_LIST_ITEMS),
    ArrayUnique({ message: '$property must not repeat an aim' }),
    IsString({ each: true }),
    MinLength(1, { each: true, message: '$property must not contain empty codes' }),
    MaxLength(COMMITMENT_LIMITS.aimCode, { each: true, message: `$property items must be at most ${COMMITMENT_LIMITS.aimCode} characters` }),
  );

const Priority = () => applyDecorators(IsInt({ message: '$property must be a whole number from 1 to 6' }), Min(1), Max(6));

export class CreateCommitmentDto {
  @ApiProperty({ minimum: 1, maximum: 6, example: 5 })
  @Priority()
  priority: number;

  @ApiPropertyOptional({ type: [String], example: ['faster-growth', 'higher-productivity'], default: [] })
  @Optional()
  @AimCodeList()
  aims?: string[];

  @ApiProperty({ maxLength: COMMITMENT_LIMITS.title, example: 'Publish every contract over £25,000 with its outcome measures' })
  @Text(COMMITMENT_LIMITS.title)
  title: string;

  @ApiProperty({ maxLength: COMMITMENT_LIMITS.description })
  @Text(COMMITMENT_LIMITS.description)
  description: string;

  @ApiProperty({ maxLength: COMMITMENT_LIMITS.leadDepartment, example: 'Government Digital Service' })
  @Text(COMMITMENT_LIMITS.leadDepartment)
  leadDepartment: string;

  @ApiProperty({ format: 'date', example: '2026-12-31' })
  @CalendarDate()
  dueDate: string;

  @ApiPropertyOptional({ enum: COMMITMENT_STATUSES, default: 'planned' })
  @Optional()
  @IsIn(COMMITMENT_STATUSES)
  status?: CommitmentStatus;
}

export class UpdateCommitmentDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 6 })
  @Optional()
  @Priority()
  priority?: number;

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @AimCodeList()
  aims?: string[];

  @ApiPropertyOptional({ maxLength: COMMITMENT_LIMITS.title })
  @Optional()
  @Text(COMMITMENT_LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ maxLength: COMMITMENT_LIMITS.description })
  @Optional()
  @Text(COMMITMENT_LIMITS.description)
  description?: string;

  @ApiPropertyOptional({ maxLength: COMMITMENT_LIMITS.leadDepartment })
  @Optional()
  @Text(COMMITMENT_LIMITS.leadDepartment)
  leadDepartment?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-31' })
  @Optional()
  @CalendarDate()
  dueDate?: string;

  @ApiPropertyOptional({ enum: COMMITMENT_STATUSES })
  @Optional()
  @IsIn(COMMITMENT_STATUSES)
  status?: CommitmentStatus;
}

export class CreateIndicatorDto {
  @ApiProperty({ maxLength: INDICATOR_LIMITS.name, example: 'Share of contract value won by SMEs' })
  @Text(INDICATOR_LIMITS.name)
  name: string;

  @ApiProperty({ maxLength: INDICATOR_LIMITS.unit, example: 'percent' })
  @Text(INDICATOR_LIMITS.unit)
  unit: string;

  @ApiProperty({ example: 20 })
  @FiniteNumber()
  baseline: number;

  @ApiProperty({ example: 33, description: 'Above the baseline for `increase`, below it for `decrease`.' })
  @FiniteNumber()
  target: number;

  @ApiProperty({ enum: INDICATOR_DIRECTIONS })
  @IsIn(INDICATOR_DIRECTIONS)
  direction: IndicatorDirection;
}

export class CommitmentListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 6 })
  @Optional()
  @Type(() => Number)
  @Priority()
  priority?: number;

  @ApiPropertyOptional({ description: 'An aim code the commitment serves.', example: 'faster-growth' })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(COMMITMENT_LIMITS.aimCode)
  aim?: string;

  @ApiPropertyOptional({ enum: COMMITMENT_STATUSES })
  @Optional()
  @IsIn(COMMITMENT_STATUSES)
  status?: CommitmentStatus;
}

export class RoadmapIndicatorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() unit: string;
  @ApiProperty() baseline: number;
  @ApiProperty() target: number;
  @ApiProperty({ enum: INDICATOR_DIRECTIONS }) direction: IndicatorDirection;
}

export class RoadmapCommitmentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ minimum: 1, maximum: 6 }) priority: number;
  @ApiProperty({ type: [String] }) aims: string[];
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty() leadDepartment: string;
  @ApiProperty({ format: 'date', example: '2026-12-31' }) dueDate: string;
  @ApiProperty({ enum: COMMITMENT_STATUSES }) status: CommitmentStatus;
  @ApiProperty({ type: RoadmapIndicatorResponse, isArray: true }) indicators: RoadmapIndicatorResponse[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RoadmapCommitmentPageResponse {
  @ApiProperty({ type: RoadmapCommitmentResponse, isArray: true }) items: RoadmapCommitmentResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toRoadmapIndicatorResponse(indicator: RoadmapIndicatorEntity): RoadmapIndicatorResponse {
  return {
    id: indicator.id,
    name: indicator.name,
    unit: indicator.unit,
    baseline: Number(indicator.baseline),
    target: Number(indicator.target),
    direction: indicator.direction,
  };
}

export function toRoadmapCommitmentResponse(commitment: RoadmapCommitmentEntity, indicators: RoadmapIndicatorEntity[]): RoadmapCommitmentResponse {
  return {
    id: commitment.id,
    priority: commitment.priority,
    aims: commitment.aims,
    title: commitment.title,
    description: commitment.description,
    leadDepartment: commitment.leadDepartment,
    dueDate: commitment.dueDate,
    status: commitment.status,
    indicators: indicators.map(toRoadmapIndicatorResponse),
    createdAt: commitment.createdAt.toISOString(),
    updatedAt: commitment.updatedAt.toISOString(),
  };
}
