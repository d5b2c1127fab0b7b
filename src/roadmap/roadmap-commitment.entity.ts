import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const COMMITMENT_STATUSES = ['planned', 'in_progress', 'delivered', 'at_risk'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

@Entity({ name: 'roadmap_commitments' })
export class RoadmapCommitmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** 1–6: the roadmap priority this commitment delivers. */
  @Column({ type: 'int' })
  priority: number;

  // Aim codes; PostgreSQL cannot hold a foreign key per array element, so the service checks them.
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  aims: string[];

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'lead_department', type: 'varchar', length: 300 })
  leadDepartment: string;

  /** A calendar date, `YYYY-MM-DD`. */
  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ type: 'varchar', length: 12, default: 'planned' })
  status: CommitmentStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
