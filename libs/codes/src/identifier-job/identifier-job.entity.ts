import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';
import { CharacterSet } from '@sid/identifiers';

export type CodeType = 'sgtin' | 'sscc' | 'grai' | 'short_code';
export const CODE_TYPES: readonly CodeType[] = ['sgtin', 'sscc', 'grai', 'short_code'];
export type IdentifierJobStatus = 'new' | 'in_progress' | 'complete' | 'error';

/** A request to generate `quantity` codes (shared/spec/001). */
@Entity('identifier_job')
export class IdentifierJobEntity extends AuditedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('integer')
  length!: number;

  @Column('integer')
  quantity!: number;

  @Column('text', { nullable: true })
  reference_id!: string | null;

  @Column('text')
  type!: CodeType;

  @Column('text', { nullable: true })
  product!: string | null;

  @Column('text')
  character_set!: CharacterSet;

  @Column('text')
  status!: IdentifierJobStatus;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sscc_start_serial!: number;

  @Column('smallint', { nullable: true })
  sscc_extension_digit!: number | null;

  @Column('text', { nullable: true })
  sscc_company_prefix!: string | null;

  @Column('uuid', { nullable: true })
  domain!: string | null;

  /** SGTIN-96 serials with EPC URI and hex on every code (RFID). */
  @Column('boolean')
  epc_mode!: boolean;

  @Column('text', { nullable: true })
  error_message!: string | null;

  @Column('integer')
  quantity_created!: number;

  /** Set when the job was created to fill a reservation. */
  @Column('uuid', { nullable: true })
  code_reservation!: string | null;

  /** Set when the job was created to refill a code pool. */
  @Column('uuid', { nullable: true })
  code_pool!: string | null;
}
