import { ApiProperty } from '@nestjs/swagger';
import { COMMITMENT_STATUSES, CommitmentStatus } from 'src/roadmap/roadmap-commitment.entity';
import { INDICATOR_DIRECTIONS, IndicatorDirection } from 'src/roadmap/roadmap-indicator.entity';
import type {
  ProgressIndicatorRow,
  ProgressOutcomeRow,
  ProgressSnapshot,
  ProgressTotalsRow,
} from 'src/roadmap/roadmap-progress.repository';

const PUBLIC_NEEDS_NOTE = 'Published needs only: drafts, and needs cancelled before they were published, are not counted.';

export class NeedStatusCountsResponse {
  @ApiProperty() open: number;
  @ApiProperty() closed: number;
  @ApiProperty() awarded: number;
  @ApiProperty({ description: 'Cancelled after being published.' }) cancelled: number;
  @ApiProperty() total: number;
}

export class ActivityProgressResponse {
  @ApiProperty({ type: NeedStatusCountsResponse, description: `Linked needs by status. ${PUBLIC_NEEDS_NOTE}` })
  needs: NeedStatusCountsResponse;
  @ApiProperty({ description: 'Contracts awarded for the linked needs.' }) contractsAwarded: number;
  @ApiProperty({ description: 'Total value of those contracts, in pence.' }) valueAwarded: number;
}

export class OutcomeSummaryResponse {
  @ApiProperty({ description: 'Roadmap indicators.' }) indicators: number;
  @ApiProperty({ description: 'Indicators with at least one linked outcome that has an approved review.' }) indicatorsWithData: number;
  @ApiProperty({ description: 'Contract outcomes linked to the indicators.' }) linkedOutcomes: number;
  @ApiProperty({ description: 'Linked outcomes whose contract has an approved review.' }) outcomesWithApprovedReview: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Simple mean of the progress (0–1) of the indicators that have data; null when none has.',
  })
  meanIndicatorProgress: number | null;
}

export class LinkedOutcomeProgressResponse {
  @ApiProperty({ format: 'uuid' }) outcomeId: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty() ocid: string;
  @ApiProperty() name: string;
  @ApiProperty() unit: string;
  @ApiProperty() baseline: number;
  @ApiProperty() target: number;
  @ApiProperty({ enum: INDICATOR_DIRECTIONS }) direction: IndicatorDirection;
  @ApiProperty({ description: "The contract's value in pence: the weight of this outcome in its indicator's progress." })
  contractValue: number;
  @ApiProperty({ nullable: true, type: Number, description: 'The highest review period approved so far.' })
  latestApprovedPeriod: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '0–1, from the latest approved review; null until one is approved.' })
  attainment: number | null;
}

export class IndicatorProgressResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() unit: string;
  @ApiProperty() baseline: number;
  @ApiProperty() target: number;
  @ApiProperty({ enum: INDICATOR_DIRECTIONS }) direction: IndicatorDirection;
  @ApiProperty({ type: LinkedOutcomeProgressResponse, isArray: true }) outcomes: LinkedOutcomeProgressResponse[];
  @ApiProperty() outcomesWithApprovedReview: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      "0–1, how far the indicator has come from its baseline to its target: the mean of the linked outcomes' latest approved " +
      "attainment, weighted by each outcome's contract value. Outcomes with no approved review are left out; null when none has one.",
  })
  progress: number | null;
  @ApiProperty({ nullable: true, type: Number, description: "baseline + progress × (target − baseline), in the indicator's unit." })
  estimatedValue: number | null;
  @ApiProperty({ description: 'True when progress has reached 1.' }) targetMet: boolean;
}

export class CommitmentProgressResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ minimum: 1, maximum: 6 }) priority: number;
  @ApiProperty({ type: [String] }) aims: string[];
  @ApiProperty() title: string;
  @ApiProperty() leadDepartment: string;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ enum: COMMITMENT_STATUSES }) status: CommitmentStatus;
  @ApiProperty({ type: ActivityProgressResponse }) activity: ActivityProgressResponse;
  @ApiProperty({ type: OutcomeSummaryResponse }) outcome: OutcomeSummaryResponse;
  @ApiProperty({ type: IndicatorProgressResponse, isArray: true }) indicators: IndicatorProgressResponse[];
}

export class PriorityProgressResponse {
  @ApiProperty({ minimum: 1, maximum: 6 }) number: number;
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String], format: 'uuid' }) commitmentIds: string[];
  @ApiProperty({ type: ActivityProgressResponse, description: 'Each need and contract counted once, however many of the commitments it is linked to.' })
  activity: ActivityProgressResponse;
  @ApiProperty({ type: OutcomeSummaryResponse }) outcome: OutcomeSummaryResponse;
}

export class AimProgressResponse {
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Every commitment serving the aim (a commitment counts toward each of its aims).' })
  commitmentIds: string[];
  @ApiProperty({ type: ActivityProgressResponse, description: 'Each need and contract counted once, however many of the commitments it is linked to.' })
  activity: ActivityProgressResponse;
  @ApiProperty({ type: OutcomeSummaryResponse }) outcome: OutcomeSummaryResponse;
}

export class RoadmapProgressResponse {
  @ApiProperty({ type: AimProgressResponse, isArray: true, description: 'All five aims, in the roadmap order.' }) aims: AimProgressResponse[];
  @ApiProperty({ type: PriorityProgressResponse, isArray: true, description: 'All six priorities, 1 to 6.' }) priorities: PriorityProgressResponse[];
  @ApiProperty({ type: CommitmentProgressResponse, isArray: true, description: 'By priority, then nearest due date.' })
  commitments: CommitmentProgressResponse[];
}

export function toRoadmapProgressResponse(snapshot: ProgressSnapshot): RoadmapProgressResponse {
  const totals = new Map(snapshot.totals.map((row) => [`${row.kind}:${row.key}`, row]));
  const totalsOf = (kind: ProgressTotalsRow['kind'], key: string): ProgressTotalsRow => {
    const row = totals.get(`${kind}:${key}`);
    // The totals come from the same snapshot as the lists; a gap is a bug, not an empty group.
    if (!row) throw new Error(`roadmap progress has no ${kind} totals for ${key}`);
    return row;
  };
  const outcomesByIndicator = groupBy(snapshot.outcomes, (outcome) => outcome.indicatorId);
  const indicatorsByCommitment = groupBy(snapshot.indicators, (indicator) => indicator.commitmentId);
  const byPosition = <T>(kind: 'priority' | 'aim', map: (row: ProgressTotalsRow) => T) =>
    snapshot.totals.filter((row) => row.kind === kind).map(map);

  return {
    aims: byPosition('aim', (row) => ({
      code: row.key,
      title: row.title,
      commitmentIds: row.commitmentIds,
      activity: toActivity(row),
      outcome: toOutcomeSummary(row),
    })),
    priorities: byPosition('priority', (row) => ({
      number: Number(row.key),
      code: row.code ?? '',
      title: row.title,
      commitmentIds: row.commitmentIds,
      activity: toActivity(row),
      outcome: toOutcomeSummary(row),
    })),
    commitments: snapshot.commitments.map((commitment) => {
      const row = totalsOf('commitment', commitment.id);
      return {
        id: commitment.id,
        priority: commitment.priority,
        aims: commitment.aims,
        title: commitment.title,
        leadDepartment: commitment.leadDepartment,
        dueDate: commitment.dueDate,
        status: commitment.status,
        activity: toActivity(row),
        outcome: toOutcomeSummary(row),
        indicators: (indicatorsByCommitment.get(commitment.id) ?? []).map((indicator) =>
          toIndicatorProgress(indicator, outcomesByIndicator.get(indicator.id) ?? []),
        ),
      };
    }),
  };
}

function toActivity(row: ProgressTotalsRow): ActivityProgressResponse {
  return {
    needs: {
      open: row.needsOpen,
      closed: row.needsClosed,
      awarded: row.needsAwarded,
      cancelled: row.needsCancelled,
      total: row.needsTotal,
    },
    contractsAwarded: row.contractsAwarded,
    valueAwarded: Number(row.valueAwarded),
  };
}

function toOutcomeSummary(row: ProgressTotalsRow): OutcomeSummaryResponse {
  return {
    indicators: row.indicators,
    indicatorsWithData: row.indicatorsWithData,
    linkedOutcomes: row.linkedOutcomes,
    outcomesWithApprovedReview: row.outcomesWithApprovedReview,
    meanIndicatorProgress: decimalOrNull(row.meanIndicatorProgress),
  };
}

function toIndicatorProgress(indicator: ProgressIndicatorRow, outcomes: ProgressOutcomeRow[]): IndicatorProgressResponse {
  const progress = decimalOrNull(indicator.progress);
  return {
    id: indicator.id,
    name: indicator.name,
    unit: indicator.unit,
    baseline: Number(indicator.baseline),
    target: Number(indicator.target),
    direction: indicator.direction,
    outcomes: outcomes.map((outcome) => ({
      outcomeId: outcome.outcomeId,
      contractId: outcome.contractId,
      ocid: outcome.ocid,
      name: outcome.name,
      unit: outcome.unit,
      baseline: Number(outcome.baseline),
      target: Number(outcome.target),
      direction: outcome.direction,
      contractValue: Number(outcome.contractValue),
      latestApprovedPeriod: outcome.latestApprovedPeriod,
      attainment: decimalOrNull(outcome.attainment),
    })),
    outcomesWithApprovedReview: indicator.outcomesWithApprovedReview,
    progress,
    estimatedValue: decimalOrNull(indicator.estimatedValue),
    // Attainments are clamped to [0, 1], so a mean of 1 means every weighted outcome reached its target.
    targetMet: progress !== null && progress >= 1,
  };
}

/** Exact decimals from PostgreSQL become the nearest JSON number only here, at the edge. */
function decimalOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
