import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A host under which an account's digital links resolve, e.g. `id.brand.com`. */
@Entity('domain')
export class DomainEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  host!: string;

  @Column('boolean')
  is_default!: boolean;

  @Column('uuid', { nullable: true })
  user_created!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  date_created!: Date;

  @Column('uuid', { nullable: true })
  user_updated!: string | null;

  @UpdateDateColumn({ type: 'timestamptz', nullable: true })
  date_updated!: Date | null;
}
