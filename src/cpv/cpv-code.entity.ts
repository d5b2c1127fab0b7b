import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'cpv_codes' })
export class CpvCodeEntity {
  /** `NNNNNNNN-C`: eight digits and a check digit. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  code: string;

  @Column({ type: 'text' })
  description: string;

  // The code's digits without trailing zeros (at least two): its place in the hierarchy.
  @Column({ type: 'varchar', length: 8 })
  significant: string;
}
