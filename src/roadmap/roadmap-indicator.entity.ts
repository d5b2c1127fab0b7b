import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const INDICATOR_DIRECTIONS = ['increase', 'decrease'] as const;
export type IndicatorDirection = (typeof INDICATOR_DIRECTIONS)[number];

// numeric columns arrive from pg as strings holding the exact decimal; they become JSON numbers only
// at the API edge.
@Entity({ name: 'roadmap_indicators' })
export class RoadmapIndicatorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'commitment_id', type: 'uuid' })
  commitmentId: string;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  unit: string;

  @Column({ type: 'numeric' })
  baseline: string;

  @Column({ type: 'numeric' })
  target: string;

  @Column({ type: 'varchar', length: 8 })
  direction: IndicatorDirection;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
