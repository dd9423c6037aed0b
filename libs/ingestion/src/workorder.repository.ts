import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  COMPLETE_WORKORDER,
  COUNT_WORKORDERS,
  INSERT_WORKORDER,
  LIST_WORKORDERS,
  SET_QUANTITY,
  UNFINISHED_WORKORDERS,
  WORKORDER_BY_ID,
} from './workorder.sql';

/** A workorder just completed: whose it is, and what it holds. */
export interface CompletedWorkorder {
  account: string;
  ingestion_record: number | null;
  quantity: number | null;
}

export interface WorkorderRow {
  id: number;
  account: string;
  ingestion_record: number | null;
  reference: string;
  remarks: string | null;
  status: 'processing' | 'completed';
  quantity: number;
  is_archived: boolean;
  file_key: string | null;
  file_size: number | null;
  file_checksum: string | null;
  created_by: string | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface WorkorderFilters {
  account: string | null;
  is_archived: boolean | null;
  search: string | null;
}

/** The `workorder` table: the codes one uploaded file made, and their file once built. */
@Injectable()
export class WorkorderRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** In the ingesting transaction: a new workorder (quantity set once the codes are written). */
  async insert(
    client: PoolClient,
    workorder: {
      account: string;
      ingestionRecord: number;
      reference: string;
      createdBy: string | null;
    },
  ): Promise<string> {
    const { rows } = await client.query<{ id: string }>(INSERT_WORKORDER, [
      workorder.account,
      workorder.ingestionRecord,
      workorder.reference,
      workorder.createdBy,
    ]);
    return rows[0].id;
  }

  async setQuantity(client: PoolClient, id: string, quantity: number): Promise<void> {
    await client.query(SET_QUANTITY, [id, quantity]);
  }

  /** `account` null: any account (admins). */
  async byId(id: string, account: string | null): Promise<WorkorderRow | null> {
    const rows = await this.db.query(WORKORDER_BY_ID, [id, account]);
    return rows[0] ?? null;
  }

  async list(
    filters: WorkorderFilters,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: WorkorderRow[] }> {
    const search = filters.search === null ? null : `%${escapeLike(filters.search)}%`;
    const params = [filters.account, filters.is_archived, search];
    const [[{ count }], rows] = await Promise.all([
      this.db.query(COUNT_WORKORDERS, params),
      this.db.query(LIST_WORKORDERS, [...params, limit, offset]),
    ]);
    return { count, rows };
  }

  /**
   * Records the workorder's stored file, in `client`'s transaction; what the completed event
   * reports, or undefined if it had a file already (a second run).
   */
  async complete(
    client: PoolClient,
    id: string,
    file: { key: string; size: number; checksum: string },
  ): Promise<CompletedWorkorder | undefined> {
    const { rows } = await client.query<CompletedWorkorder>(COMPLETE_WORKORDER, [
      id,
      file.key,
      file.size,
      file.checksum,
    ]);
    return rows[0];
  }

  /** Recovery: ids of workorders whose file is not built yet, oldest first. */
  async unfinished(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(UNFINISHED_WORKORDERS, [limit]);
    return rows.map((row) => row.id);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
