import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { INSERT_FILE, UNREFERENCED_KEYS } from './export.sql';

/** An export's `file` row, stored in S3 under `storage_key`. */
export interface NewExportFile {
  id: string;
  account: string;
  storage_key: string;
  filename_download: string;
  title: string;
  type: string;
  filesize: number;
  checksum: string;
  uploaded_by: string | null;
}

/** The statements on `file` beyond the file service's TypeORM reads and deletes. */
@Injectable()
export class FileRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** In the caller's transaction (the one that completes the reservation). */
  async insert(client: ClientBase, file: NewExportFile): Promise<void> {
    await client.query(INSERT_FILE, [
      file.id,
      file.account,
      file.storage_key,
      file.filename_download,
      file.title,
      file.type,
      file.filesize,
      file.checksum,
      file.uploaded_by,
    ]);
  }

  /** Of `keys`, those that no file row points at. */
  async unreferencedKeys(keys: string[]): Promise<string[]> {
    const rows: { key: string }[] = await this.db.query(UNREFERENCED_KEYS, [keys]);
    return rows.map((row) => row.key);
  }
}
