import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';

export type ReservationStatus = 'new' | 'in_progress' | 'complete' | 'error' | 'cancelled';
export const EXPORT_TYPES = ['csv', 'json', 'xml'] as const;
export type ReservationExportType = (typeof EXPORT_TYPES)[number];

/** A batch of codes handed to a printer or a factory (shared/spec/002). */
@Entity('code_reservation')
export class CodeReservationEntity extends AuditedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text', { nullable: true })
  reserved_for!: string | null;

  @Column('text')
  code_type!: 'sgtin' | 'sscc' | 'grai' | 'short_code';

  @Column('integer')
  quantity!: number;

  @Column('text')
  status!: ReservationStatus;

  @Column('text')
  export_type!: ReservationExportType;

  @Column('uuid', { nullable: true })
  export_file!: string | null;

  @Column('text', { nullable: true })
  url_suffix!: string | null;

  @Column('text', { nullable: true })
  product!: string | null;

  @Column('integer')
  quantity_reserved!: number;

  @Column('text', { nullable: true })
  error_message!: string | null;

  @Column('text', { nullable: true })
  reference_id!: string | null;

  @Column('text', { nullable: true })
  purchase_order!: string | null;
}
