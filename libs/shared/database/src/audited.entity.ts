import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/**
 * The four audit fields every collection carries (Directus' `user_created`, `date_created`,
 * `user_updated`, `date_updated`). Set by the server, never by the partner.
 */
export abstract class AuditedEntity {
  @Column('uuid', { nullable: true })
  user_created!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  date_created!: Date;

  @Column('uuid', { nullable: true })
  user_updated!: string | null;

  @UpdateDateColumn({ type: 'timestamptz', nullable: true })
  date_updated!: Date | null;
}
