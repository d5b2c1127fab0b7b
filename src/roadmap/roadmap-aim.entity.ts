import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'roadmap_aims' })
export class RoadmapAimEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  // Keeps the roadmap's own order when listing.
  @Column({ type: 'int' })
  position: number;
}
