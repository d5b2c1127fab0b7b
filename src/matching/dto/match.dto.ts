import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Text } from 'src/common/http/validators';
import { MATCH_DECISIONS, MatchDecision } from 'src/matching/match.entity';
import type { MatchRow, OpportunityRow } from 'src/matching/matches.repository';

export class DecideMatchDto {
  @ApiProperty({ enum: MATCH_DECISIONS })
  @IsIn(MATCH_DECISIONS)
  decision: MatchDecision;

  @ApiProperty({ maxLength: 2000, description: 'Why: the decision is a recorded human judgement.' })
  @Text(2000)
  reason: string;
}

class MatchedTermResponse {
  @ApiProperty() term: string;
  @ApiProperty({ description: "Share of the text score this term contributed, 0–1." }) weight: number;
}

class CpvMatchResponse {
  @ApiProperty() need: string;
  @ApiProperty() supplier: string;
  @ApiProperty({ enum: ['exact', 'category', 'class', 'group', 'division'] }) level: string;
}

export class ExplanationResponse {
  @ApiProperty({ type: [MatchedTermResponse] }) matchedTerms: MatchedTermResponse[];
  @ApiProperty({ type: [CpvMatchResponse] }) cpvMatches: CpvMatchResponse[];
  @ApiProperty({ type: [String] }) failedRequirements: string[];
}

export class ComponentsResponse {
  @ApiProperty({ description: '0–1' }) text: number;
  @ApiProperty({ description: '0–1' }) cpv: number;
  @ApiProperty({ description: '0–1' }) eligibility: number;
}

export class DecisionResponse {
  @ApiProperty({ enum: MATCH_DECISIONS }) decision: MatchDecision;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'uuid' }) decidedBy: string;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
}

export class MatchItemResponse {
  @ApiProperty({ format: 'uuid' }) supplierId: string;
  @ApiProperty() supplierName: string;
  @ApiProperty({ nullable: true, type: String }) supplierExternalId: string | null;
  @ApiProperty({ description: '0–100, one decimal.' }) score: number;
  @ApiProperty({ description: '1 for the best match.' }) rank: number;
  @ApiProperty({ type: ComponentsResponse }) components: ComponentsResponse;
  @ApiProperty({ type: ExplanationResponse }) explanation: ExplanationResponse;
  @ApiProperty({ type: DecisionResponse, nullable: true }) decision: DecisionResponse | null;
  @ApiProperty() scorerVersion: string;
  @ApiProperty() needVersion: number;
  @ApiProperty() profileVersion: number;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
}

export class MatchPageResponse {
  @ApiProperty({ enum: ['pending', 'complete'], description: 'complete once every profile stored before the need was published (or last edited) has been considered.' })
  status: 'pending' | 'complete';
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) scoredAt: string | null;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
  @ApiProperty({ type: [MatchItemResponse] }) items: MatchItemResponse[];
}

export class OpportunityResponse {
  @ApiProperty({ format: 'uuid' }) needId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid' }) buyerOrganisationId: string;
  @ApiProperty() buyerName: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) submissionDeadline: string | null;
  @ApiProperty({ nullable: true, type: Number }) budgetMin: number | null;
  @ApiProperty({ nullable: true, type: Number }) budgetMax: number | null;
  @ApiProperty() score: number;
  @ApiProperty({ type: ComponentsResponse }) components: ComponentsResponse;
  @ApiProperty({ type: ExplanationResponse }) explanation: ExplanationResponse;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
}

export class OpportunityPageResponse {
  @ApiProperty({ type: [OpportunityResponse] }) items: OpportunityResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toMatchItemResponse(row: MatchRow, rank: number): MatchItemResponse {
  return {
    supplierId: row.supplierId,
    supplierName: row.supplierName,
    supplierExternalId: row.supplierExternalId,
    score: row.score,
    rank,
    components: row.components,
    explanation: row.explanation,
    decision:
      row.decision && row.decidedAt
        ? { decision: row.decision, reason: row.decisionReason ?? '', decidedBy: row.decidedBy ?? '', decidedAt: row.decidedAt.toISOString() }
        : null,
    scorerVersion: row.scorerVersion,
    needVersion: row.needVersion,
    profileVersion: row.profileVersion,
    computedAt: row.computedAt.toISOString(),
  };
}

export function toOpportunityResponse(row: OpportunityRow): OpportunityResponse {
  return {
    needId: row.needId,
    title: row.title,
    buyerOrganisationId: row.buyerOrganisationId,
    buyerName: row.buyerName,
    submissionDeadline: row.submissionDeadline?.toISOString() ?? null,
    budgetMin: row.budgetMin === null ? null : Number(row.budgetMin),
    budgetMax: row.budgetMax === null ? null : Number(row.budgetMax),
    score: row.score,
    components: row.components,
    explanation: row.explanation,
    computedAt: row.computedAt.toISOString(),
  };
}
