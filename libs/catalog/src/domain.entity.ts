import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';

/** A host under which an account's digital links resolve, e.g. `id.brand.com`. */
@Entity('domain')
export class DomainEntity extends AuditedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  host!: string;

  @Column('boolean')
  is_default!: boolean;
}
