import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A tenant: a brand or a printing partner. Everything else belongs to exactly one account. */
@Entity('account')
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  date_created!: Date;

  @UpdateDateColumn({ type: 'timestamptz', nullable: true })
  date_updated!: Date | null;
}
