import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrganisationKind } from 'src/auth/roles';

@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  kind: OrganisationKind;

  // Names may repeat: two councils can share a name, and Companies House numbers tell them apart.
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ name: 'companies_house_number', type: 'varchar', length: 8, nullable: true })
  companiesHouseNumber: string | null;

  @Column({ name: 'is_sme', type: 'boolean', default: false })
  isSme: boolean;

  /** The id a bulk import knows this organisation by (suppliers imported from files). */
  @Column({ name: 'external_id', type: 'varchar', length: 200, nullable: true, unique: true })
  externalId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
