import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A company in the supply chain, keyed by its GS1 Digital Link path `/417/<gln>`. */
@Entity('organisation')
export class OrganisationEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  gs1_company_prefix!: string | null;

  @Column('uuid', { nullable: true })
  user_created!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  date_created!: Date;

  @Column('uuid', { nullable: true })
  user_updated!: string | null;

  @UpdateDateColumn({ type: 'timestamptz', nullable: true })
  date_updated!: Date | null;
}
