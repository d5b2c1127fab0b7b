import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MAX_LIST_ITEMS } from 'src/common/domain/procurement-vocabulary';
import { CalendarDate, FiniteNumber, Optional, Pence, Text } from 'src/common/http/validators';

export const DIRECTIONS = ['increase', 'decrease'] as const;

export class AwardOutcomeDto {
  @ApiProperty({ maxLength: 300, example: 'Applications completed online' }) @Text(300) name: string;
  @ApiProperty({ maxLength: 100, example: '%' }) @Text(100) unit: string;
  @ApiProperty({ example: 40 }) @FiniteNumber() baseline: number;
  @ApiProperty({ example: 80 }) @FiniteNumber() target: number;
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction: 'increase' | 'decrease';
  @ApiProperty({ description: "Share of each period's outcome pot; a contract's weights sum to 1.", example: 0.5 })
  @FiniteNumber()
  @Min(0)
  @Max(1)
  weight: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The roadmap indicator this outcome feeds.' })
  @Optional()
  @IsUUID('all')
  indicatorId?: string;
}

export class AwardDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') supplierId: string;
  @ApiProperty({ description: 'Contract value in pence.', example: 30_000_000 })
  @Pence()
  @Min(1)
  value: number;
  @ApiProperty({ format: 'date', example: '2027-04-01' }) @CalendarDate() startDate: string;
  @ApiProperty({ format: 'date', example: '2029-03-31' }) @CalendarDate() endDate: string;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the value paid only as outcomes are met.', example: 0.3 })
  @FiniteNumber()
  @Min(0)
  @Max(1)
  outcomePaymentShare: number;
  @ApiProperty({ minimum: 1, maximum: 120, example: 8 })
  @IsInt()
  @Min(1)
  @Max(120)
  reviewPeriods: number;
  @ApiProperty({ maxLength: 5000, description: 'Why this supplier; at least 20 characters when it was not the top shortlisted one.' })
  @Text(5000)
  reason: string;
  @ApiProperty({ type: [AwardOutcomeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => AwardOutcomeDto)
  outcomes: AwardOutcomeDto[];
}

export class MeasurementDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') outcomeId: string;
  @ApiProperty({ example: 72.5 }) @FiniteNumber() value: number;
  @ApiProperty({ maxLength: 5000, example: 'Service analytics export for Q1, see attachment 3' }) @Text(5000) evidence: string;
}

export class SubmitReviewDto {
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(120) period: number;
  @ApiProperty({ type: [MeasurementDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => MeasurementDto)
  measurements: MeasurementDto[];
}

export class ApproveReviewDto {
  @ApiPropertyOptional({ maxLength: 5000 }) @Optional() @Text(5000) reason?: string;
}

export class RejectReviewDto {
  @ApiProperty({ maxLength: 5000 }) @Text(5000) reason: string;
}

export class OutcomeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() unit: string;
  @ApiProperty() baseline: number;
  @ApiProperty() target: number;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty() weight: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) indicatorId: string | null;
}

export class AttainmentResponse {
  @ApiProperty({ format: 'uuid' }) outcomeId: string;
  @ApiProperty({ description: '0–1' }) attainment: number;
}

export class ReviewResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() period: number;
  @ApiProperty({ enum: ['submitted', 'approved', 'rejected'] }) status: string;
  @ApiProperty({ type: [AttainmentResponse] }) attainments: AttainmentResponse[];
  @ApiProperty({ description: '0–1' }) weightedAttainment: number;
  @ApiProperty({ enum: ['good', 'approaching_target', 'requires_improvement', 'inadequate'] }) rating: string;
  @ApiProperty({ description: 'Pence.' }) paymentDue: number;
  @ApiPropertyOptional({ format: 'date-time' }) submittedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) decidedAt?: string | null;
}

export class PerformancePointResponse {
  @ApiProperty() period: number;
  @ApiProperty() value: number;
  @ApiProperty() attainment: number;
}

export class OutcomePerformanceResponse {
  @ApiProperty({ format: 'uuid' }) outcomeId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [PerformancePointResponse] }) series: PerformancePointResponse[];
}

export class ContractResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) needId: string;
  @ApiProperty() needTitle: string;
  @ApiProperty({ format: 'uuid' }) buyerOrganisationId: string;
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() supplierName: string;
  @ApiProperty() ocid: string;
  @ApiProperty({ description: 'Pence.' }) value: number;
  @ApiProperty({ enum: ['GBP'] }) currency: 'GBP';
  @ApiProperty({ format: 'date' }) startDate: string;
  @ApiProperty({ format: 'date' }) endDate: string;
  @ApiProperty() outcomePaymentShare: number;
  @ApiProperty() reviewPeriods: number;
  @ApiProperty({ enum: ['active', 'completed', 'terminated'] }) status: string;
  @ApiProperty({ format: 'date-time' }) awardedAt: string;
  @ApiProperty({ type: [OutcomeResponse] }) outcomes: OutcomeResponse[];
  @ApiProperty({ description: 'Pence approved for payment so far.' }) paidToDate: number;
  @ApiProperty({ description: 'Pence of the outcome share not yet paid.' }) remainingOutcomePot: number;
  @ApiProperty({ type: [ReviewResponse], description: 'Approved reviews for the public; all reviews for the parties.' }) reviews: ReviewResponse[];
  @ApiProperty({ type: [OutcomePerformanceResponse], description: 'Approved measurements per outcome, by period.' })
  performance: OutcomePerformanceResponse[];
  @ApiPropertyOptional({ description: 'Parties only.' }) awardReason?: string;
  @ApiPropertyOptional({ description: 'Parties only: the match score frozen at award.' }) awardScore?: number;
  @ApiPropertyOptional({ description: 'Parties only: the match rank frozen at award.' }) awardRank?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'Parties only.' }) awardedBy?: string;
}

export class ContractPageResponse {
  @ApiProperty({ type: [ContractResponse] }) items: ContractResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}
