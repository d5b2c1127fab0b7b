import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { NeedStatus } from 'src/needs/domain/need-lifecycle';

// bigint columns arrive from pg as strings; money is converted to numbers only at the API edge,
// where inputs are bounded to JavaScript's exact integers.
@Entity({ name: 'procurement_needs' })
export class ProcurementNeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200, nullable: true })
  externalId: string | null;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'cpv_codes', type: 'text', array: true, default: () => `'{}'` })
  cpvCodes: string[];

  @Column({ name: 'commitment_ids', type: 'uuid', array: true, default: () => `'{}'` })
  commitmentIds: string[];

  @Column({ name: 'budget_min', type: 'bigint', nullable: true })
  budgetMin: string | null;

  @Column({ name: 'budget_max', type: 'bigint', nullable: true })
  budgetMax: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  regions: string[];

  @Column({ name: 'required_certifications', type: 'text', array: true, default: () => `'{}'` })
  requiredCertifications: string[];

  @Column({ name: 'essential_requirements', type: 'text', array: true, default: () => `'{}'` })
  essentialRequirements: string[];

  @Column({ name: 'submission_deadline', type: 'timestamptz', nullable: true })
  submissionDeadline: Date | null;

  @Column({ type: 'varchar', length: 12 })
  status: NeedStatus;

  /** Bumped by every change (content or status): the If-Match concurrency token and the match freshness key. */
  @Column({ type: 'int' })
  version: number;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
