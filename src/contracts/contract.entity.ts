import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const CONTRACT_STATUSES = ['active', 'completed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

// numeric and bigint columns arrive from pg as strings: exact decimals, converted only at the edge.
@Entity({ name: 'contracts' })
export class ContractEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'need_id', type: 'uuid' }) needId: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'supplier_id', type: 'uuid' }) supplierId: string;
  @Column({ type: 'varchar', length: 200 }) ocid: string;
  /** Pence. */
  @Column({ type: 'bigint' }) value: string;
  @Column({ type: 'char', length: 3 }) currency: 'GBP';
  @Column({ name: 'start_date', type: 'date' }) startDate: string;
  @Column({ name: 'end_date', type: 'date' }) endDate: string;
  @Column({ name: 'outcome_payment_share', type: 'numeric' }) outcomePaymentShare: string;
  @Column({ name: 'review_periods', type: 'int' }) reviewPeriods: number;
  @Column({ name: 'award_reason', type: 'text' }) awardReason: string;
  @Column({ name: 'awarded_by', type: 'uuid' }) awardedBy: string;
  @Column({ name: 'awarded_at', type: 'timestamptz' }) awardedAt: Date;
  /** The match's score and rank when the award was made, frozen as evidence. */
  @Column({ name: 'award_score', type: 'numeric', precision: 4, scale: 1 }) awardScore: string;
  @Column({ name: 'award_rank', type: 'int' }) awardRank: number;
  @Column({ type: 'varchar', length: 12 }) status: ContractStatus;
}

@Entity({ name: 'contract_outcomes' })
export class ContractOutcomeEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'contract_id', type: 'uuid' }) contractId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 300 }) name: string;
  @Column({ type: 'varchar', length: 100 }) unit: string;
  @Column({ type: 'numeric' }) baseline: string;
  @Column({ type: 'numeric' }) target: string;
  @Column({ type: 'varchar', length: 8 }) direction: 'increase' | 'decrease';
  @Column({ type: 'numeric' }) weight: string;
  @Column({ name: 'indicator_id', type: 'uuid', nullable: true }) indicatorId: string | null;
}

@Entity({ name: 'outcome_reviews' })
export class OutcomeReviewEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'contract_id', type: 'uuid' }) contractId: string;
  @Column({ type: 'int' }) period: number;
  @Column({ type: 'varchar', length: 10 }) status: 'submitted' | 'approved' | 'rejected';
  @Column({ name: 'submitted_by', type: 'uuid' }) submittedBy: string;
  @Column({ name: 'submitted_at', type: 'timestamptz' }) submittedAt: Date;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'decision_reason', type: 'text', nullable: true }) decisionReason: string | null;
  @Column({ name: 'weighted_attainment', type: 'numeric' }) weightedAttainment: string;
  @Column({ type: 'varchar', length: 24 }) rating: string;
  @Column({ type: 'bigint' }) pot: string;
  @Column({ name: 'payment_due', type: 'bigint' }) paymentDue: string;
}

@Entity({ name: 'review_measurements' })
export class ReviewMeasurementEntity {
  @Column({ name: 'review_id', type: 'uuid', primary: true }) reviewId: string;
  @Column({ name: 'outcome_id', type: 'uuid', primary: true }) outcomeId: string;
  @Column({ type: 'numeric' }) value: string;
  @Column({ type: 'text' }) evidence: string;
  @Column({ name: 'attainment_exact', type: 'varchar', length: 200 }) attainmentExact: string;
  @Column({ type: 'numeric' }) attainment: string;
}
