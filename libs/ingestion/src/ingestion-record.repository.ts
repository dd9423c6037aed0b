import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPgTransaction, isPgError, withPgClient } from '@sid/shared/database';
import {
  CANCEL_RECORD,
  COUNT_RECORDS,
  FINISH_RECORD,
  INSERT_RECORD,
  LIST_RECORDS,
  LOCK_RECORD,
  LOCK_RECORD_NOWAIT,
  RECORD_BY_ID,
  RECORD_BY_KEY,
  START_PROCESSING,
  UNFINISHED_RECORDS,
} from './ingestion-record.sql';

export type IngestionStatus = 'uploading' | 'processing' | 'completed' | 'error' | 'cancelled';

export interface IngestionRecordRow {
  id: number;
  key: string;
  account: string;
  description: string;
  status: IngestionStatus;
  type: string;
  ingestion_mode: string;
  filetype: 'csv' | 'json';
  object_key: string;
  created_at: Date;
  created_by: string | null;
  status_updated_at: Date;
  parameters: Record<string, unknown>;
  result_data: Record<string, unknown>;
}

export interface RecordFilters {
  account: string | null;
  type: string | null;
  status: string | null;
  ingestion_mode: string | null;
}

const PG_LOCK_NOT_AVAILABLE = '55P03';

/** The `ingestion_record` table: one uploaded file, from its presigned POST to its outcome. */
@Injectable()
export class IngestionRecordRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(record: {
    key: string;
    account: string;
    filetype: string;
    objectKey: string;
    createdBy: string | null;
  }): Promise<IngestionRecordRow> {
    const [row] = await this.db.query(INSERT_RECORD, [
      record.key,
      record.account,
      record.filetype,
      record.objectKey,
      record.createdBy,
    ]);
    return row;
  }

  /** `account` null: any account (admins). */
  async byKey(key: string, account: string | null): Promise<IngestionRecordRow | null> {
    const rows = await this.db.query(RECORD_BY_KEY, [key, account]);
    return rows[0] ?? null;
  }

  async byId(id: string): Promise<IngestionRecordRow | null> {
    const rows = await this.db.query(RECORD_BY_ID, [id]);
    return rows[0] ?? null;
  }

  async list(
    filters: RecordFilters,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: IngestionRecordRow[] }> {
    const params = [filters.account, filters.type, filters.status, filters.ingestion_mode];
    const [[{ count }], rows] = await Promise.all([
      this.db.query(COUNT_RECORDS, params),
      this.db.query(LIST_RECORDS, [...params, limit, offset]),
    ]);
    return { count, rows };
  }

  /** Moves an `uploading` record to `processing`; null if it was in another state. */
  async startProcessing(
    id: number,
    parameters: Record<string, unknown>,
  ): Promise<IngestionRecordRow | null> {
    const { rows } = await withPgClient(this.db, (client) =>
      client.query<IngestionRecordRow>(START_PROCESSING, [id, parameters]),
    );
    return rows[0] ?? null;
  }

  /**
   * Cancels a record not yet finished: `busy` when a worker is writing its codes right now,
   * `final` (with the row) when it is completed, failed or cancelled already.
   */
  async cancel(
    id: number,
  ): Promise<
    { outcome: 'cancelled'; row: IngestionRecordRow } | { outcome: 'busy' | 'final'; row: null }
  > {
    try {
      return await inPgTransaction(this.db, async (client) => {
        await client.query(LOCK_RECORD_NOWAIT, [id]);
        const { rows } = await client.query<IngestionRecordRow>(CANCEL_RECORD, [id]);
        return rows.length > 0
          ? { outcome: 'cancelled' as const, row: rows[0] }
          : { outcome: 'final' as const, row: null };
      });
    } catch (error) {
      if (isPgError(error, PG_LOCK_NOT_AVAILABLE)) return { outcome: 'busy', row: null };
      throw error;
    }
  }

  /** In the worker's transaction: the record, locked until it commits. */
  async lock(client: PoolClient, id: string): Promise<IngestionRecordRow | null> {
    const { rows } = await client.query<IngestionRecordRow>(LOCK_RECORD, [id]);
    return rows[0] ?? null;
  }

  /**
   * Ends a `processing` record as `completed` or `error`, in `client`'s transaction; the record's
   * account and key, or undefined if it was not processing (a second run).
   */
  async finish(
    client: PoolClient,
    id: string | number,
    status: 'completed' | 'error',
    resultData: Record<string, unknown>,
  ): Promise<{ account: string; key: string } | undefined> {
    const { rows } = await client.query<{ account: string; key: string }>(FINISH_RECORD, [
      id,
      status,
      resultData,
    ]);
    return rows[0];
  }

  /** Recovery: ids of uploads still processing, oldest first. */
  async unfinished(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(UNFINISHED_RECORDS, [limit]);
    return rows.map((row) => row.id);
  }
}
