import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'roadmap_priorities' })
export class RoadmapPriorityEntity {
  /** 1–6, the roadmap's own numbering. */
  @PrimaryColumn({ type: 'int' })
  number: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  description: string;
}
