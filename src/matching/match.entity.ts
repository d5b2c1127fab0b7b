import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MatchComponents, MatchExplanation } from 'src/matching/domain/matching.types';

export const MATCH_DECISIONS = ['shortlisted', 'rejected'] as const;
export type MatchDecision = (typeof MATCH_DECISIONS)[number];

/** A supplier scored against a need; rank is derived from the score when read. */
@Entity({ name: 'matches' })
export class MatchEntity {
  @PrimaryColumn({ name: 'need_id', type: 'uuid' })
  needId: string;

  @PrimaryColumn({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  /** 0–100, one decimal (numeric arrives from pg as a string). */
  @Column({ type: 'numeric', precision: 4, scale: 1 })
  score: string;

  // json, not jsonb: written by workers in bulk, kept and served as written (see LighterMatchWrites).
  @Column({ type: 'json' })
  components: MatchComponents;

  @Column({ type: 'json' })
  explanation: MatchExplanation;

  @Column({ name: 'scorer_version', type: 'varchar', length: 40 })
  scorerVersion: string;

  @Column({ name: 'need_version', type: 'int' })
  needVersion: number;

  @Column({ name: 'profile_version', type: 'int' })
  profileVersion: number;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;

  // The buyer's decision: never overwritten by re-scoring.
  @Column({ type: 'varchar', length: 12, nullable: true })
  decision: MatchDecision | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}

@Entity({ name: 'need_matching_state' })
export class NeedMatchingStateEntity {
  @PrimaryColumn({ name: 'need_id', type: 'uuid' })
  needId: string;

  @Column({ name: 'scored_version', type: 'int' })
  scoredVersion: number;

  @Column({ name: 'scored_at', type: 'timestamptz' })
  scoredAt: Date;

  @Column({ name: 'match_count', type: 'int' })
  matchCount: number;

  @Column({ type: 'numeric', precision: 4, scale: 1 })
  threshold: string;

  /** The worst kept matches, worst first (see domain/kept-matches.ts); empty when unknown. */
  @Column({ name: 'tail_suppliers', type: 'uuid', array: true, default: () => `'{}'` })
  tailSuppliers: string[];

  @Column({ name: 'tail_scores', type: 'numeric', precision: 4, scale: 1, array: true, default: () => `'{}'` })
  tailScores: string[];
}

@Entity({ name: 'supplier_matching_state' })
export class SupplierMatchingStateEntity {
  @PrimaryColumn({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ name: 'scored_version', type: 'int' })
  scoredVersion: number;

  @Column({ name: 'scored_at', type: 'timestamptz' })
  scoredAt: Date;
}
