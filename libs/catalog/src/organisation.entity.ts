import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';

/** A company in the supply chain, keyed by its GS1 Digital Link path `/417/<gln>`. */
@Entity('organisation')
export class OrganisationEntity extends AuditedEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  gs1_company_prefix!: string | null;
}
