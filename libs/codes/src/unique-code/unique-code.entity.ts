import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';
import { CodeType } from '../identifier-job/identifier-job.entity';

export type UniqueCodeStatus = 'unassigned' | 'reserved' | 'assigned' | 'encoded';

/** The life cycle of a code only moves forward, one step at a time. */
export const CODE_LIFECYCLE: readonly UniqueCodeStatus[] = [
  'unassigned',
  'reserved',
  'assigned',
  'encoded',
];

/** One generated or uploaded code (shared/spec/000). */
@Entity('unique_code')
export class UniqueCodeEntity extends AuditedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  code!: string;

  @Column('text')
  type!: CodeType;

  @Column('text', { nullable: true })
  product!: string | null;

  @Column('uuid', { nullable: true })
  identifier_job!: string | null;

  @Column('uuid', { nullable: true })
  reservation!: string | null;

  @Column('text')
  status!: UniqueCodeStatus;

  @Column('text')
  digital_link!: string;

  @Column('text', { nullable: true })
  epc_join_key!: string | null;

  /** EPC pure-identity URI (EPC-mode jobs), e.g. urn:epc:id:sgtin:0614141.812345.6789 */
  @Column('text', { nullable: true })
  epc_uri!: string | null;

  /** SGTIN-96 encoding as 24 upper-case hex digits (EPC-mode jobs). */
  @Column('text', { nullable: true })
  epc_hex!: string | null;

  @Column('text', { nullable: true })
  custom_id!: string | null;
}
