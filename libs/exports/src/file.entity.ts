import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Metadata of a stored object (Directus' `directus_files`): content is in the S3 bucket. */
@Entity('file')
export class FileEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  account!: string;

  @Column('text')
  storage!: string;

  @Column('text')
  storage_key!: string;

  @Column('text')
  filename_download!: string;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('text')
  type!: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  filesize!: number;

  @Column('text', { nullable: true })
  checksum!: string | null;

  @Column('uuid', { nullable: true })
  uploaded_by!: string | null;

  @Column('timestamptz')
  uploaded_on!: Date;
}
