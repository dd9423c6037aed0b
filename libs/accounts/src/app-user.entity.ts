import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type UserRole = 'admin' | 'user';

/** A person or a machine client. It authenticates with a static token, stored only as a hash. */
@Entity('app_user')
export class AppUserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  email!: string;

  @Column('text', { nullable: true })
  first_name!: string | null;

  @Column('text', { nullable: true })
  last_name!: string | null;

  @Column('text')
  role!: UserRole;

  @Column('text')
  status!: 'active' | 'suspended';

  @Column('text', { nullable: true, select: false })
  token_hash!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  date_created!: Date;

  @UpdateDateColumn({ type: 'timestamptz', nullable: true })
  date_updated!: Date | null;
}
