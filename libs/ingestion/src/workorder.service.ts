import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { ScantrustCaller } from '@sid/accounts';
import { CustomCodeRepository } from '@sid/codes';
import { withStreamingPgClient } from '@sid/shared/database';
import { ObjectStorage, StoredObject } from '@sid/shared/storage';
import { ScantrustApiError } from './ingestion.exception';
import { Page, page, pageWindow } from './page';
import { WorkorderRepository, WorkorderRow } from './workorder.repository';

/** A workorder as the API shows it. */
export interface WorkorderView {
  id: number;
  reference: string;
  remarks: string | null;
  status: string;
  quantity: number;
  is_archived: boolean;
  created_at: Date;
  completed_at: Date | null;
  ingestion_record: number | null;
  /** The zip, once it exists (an absolute URL). */
  download_url: string | null;
  file_size: number | null;
}

/** Workorders of the upload API: list, one, their zip and their plain CSV, streamed. */
@Injectable()
export class WorkorderService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workorders: WorkorderRepository,
    private readonly codes: CustomCodeRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async list(
    caller: ScantrustCaller,
    query: Record<string, unknown>,
    url: URL,
  ): Promise<Page<WorkorderView>> {
    const window = pageWindow(query);
    const archived = query.is_archived;
    let isArchived: boolean | null = null;
    if (archived !== undefined && archived !== '') {
      if (archived === 'true' || archived === 'True' || archived === '1') isArchived = true;
      else if (archived === 'false' || archived === 'False' || archived === '0') isArchived = false;
      else throw ScantrustApiError.field('is_archived', 'Must be a valid boolean.');
    }
    const search = typeof query.search === 'string' && query.search !== '' ? query.search : null;
    const { count, rows } = await this.workorders.list(
      { account: scope(caller), is_archived: isArchived, search },
      window.limit,
      window.offset,
    );
    return page(
      rows.map((row) => view(row, url)),
      count,
      window,
      url,
    );
  }

  async get(caller: ScantrustCaller, id: string, url: URL): Promise<WorkorderView> {
    return view(await this.find(caller, id), url);
  }

  /** The stored zip; 404 while it is being built. */
  async download(
    caller: ScantrustCaller,
    id: string,
  ): Promise<StoredObject & { filename: string }> {
    const workorder = await this.find(caller, id);
    if (workorder.file_key === null) {
      throw ScantrustApiError.detail(404, 'The workorder file is not ready yet.');
    }
    const object = await this.storage.getStream(workorder.file_key);
    return { ...object, filename: `workorder-${workorder.id}.zip` };
  }

  /** Checks the caller may read the workorder (before any byte is sent). */
  async assertVisible(caller: ScantrustCaller, id: string): Promise<WorkorderRow> {
    return this.find(caller, id);
  }

  /** The workorder's codes.csv, streamed from one COPY into `out`. */
  async streamSerialNumbers(workorder: WorkorderRow, out: Writable): Promise<void> {
    await withStreamingPgClient(this.db, (client) =>
      pipeline(this.codes.copyWorkorderCsv(client, String(workorder.id)), out),
    );
  }

  private async find(caller: ScantrustCaller, id: string): Promise<WorkorderRow> {
    if (!/^[0-9]{1,15}$/.test(id)) throw ScantrustApiError.notFound();
    const workorder = await this.workorders.byId(id, scope(caller));
    if (!workorder) throw ScantrustApiError.notFound();
    return workorder;
  }
}

function view(row: WorkorderRow, url: URL): WorkorderView {
  const download = new URL(`/api/v2/workorders/${row.id}/download/`, url);
  return {
    id: row.id,
    reference: row.reference,
    remarks: row.remarks,
    status: row.status,
    quantity: row.quantity,
    is_archived: row.is_archived,
    created_at: row.created_at,
    completed_at: row.completed_at,
    ingestion_record: row.ingestion_record,
    download_url: row.file_key === null ? null : download.toString(),
    file_size: row.file_size,
  };
}

function scope(caller: ScantrustCaller): string | null {
  return caller.admin ? null : caller.accountId;
}
