import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export interface CaseStudy {
  title: string;
  description: string;
}

/** One per supplier organisation; replaced whole by PUT, which bumps `version`. */
@Entity({ name: 'supplier_profiles' })
export class SupplierProfileEntity {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'text', array: true })
  capabilities: string[];

  @Column({ name: 'case_studies', type: 'jsonb' })
  caseStudies: CaseStudy[];

  @Column({ name: 'cpv_codes', type: 'text', array: true })
  cpvCodes: string[];

  @Column({ type: 'text', array: true })
  certifications: string[];

  @Column({ type: 'text', array: true })
  regions: string[];

  /** Pence; null when the supplier states no limit. */
  @Column({ name: 'max_contract_value', type: 'bigint', nullable: true })
  maxContractValue: string | null;

  @Column({ type: 'int' })
  version: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
