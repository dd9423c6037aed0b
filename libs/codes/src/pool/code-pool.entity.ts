import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';
import { CharacterSet } from '@sid/identifiers';
import { CodeType } from '../identifier-job/identifier-job.entity';

/**
 * A pool policy: keep at least `min_unassigned` codes of one product and code type waiting, and
 * when the pool falls below, generate `refill_quantity` more like this (length, character set,
 * SSCC prefix). Its live level is read from the `code_pool_level` view.
 */
@Entity('code_pool')
export class CodePoolEntity extends AuditedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text', { nullable: true })
  product!: string | null;

  @Column('text')
  code_type!: CodeType;

  @Column('integer')
  min_unassigned!: number;

  @Column('integer')
  refill_quantity!: number;

  @Column('integer')
  length!: number;

  @Column('text')
  character_set!: CharacterSet;

  @Column('text', { nullable: true })
  sscc_company_prefix!: string | null;

  @Column('smallint', { nullable: true })
  sscc_extension_digit!: number | null;
}
