import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { ScantrustCaller } from '@sid/accounts';
import { JobName, JobQueue } from '@sid/shared/queue';
import { ObjectStorage } from '@sid/shared/storage';
import { CodeFileType, FILE_CONTENT_TYPES, MAX_FILE_BYTES } from './code-file';
import { IngestionRecordRepository, IngestionRecordRow } from './ingestion-record.repository';
import { ScantrustApiError } from './ingestion.exception';
import { Page, page, pageWindow } from './page';

/** The presigned POST stays usable for 30 minutes. */
export const UPLOAD_EXPIRES_SECONDS = 30 * 60;
const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MAX_URL_PREFIX = 500;

/** A record as Scantrust's API shows it. */
export interface IngestionRecordView {
  id: number;
  key: string;
  description: string;
  status: string;
  type: string;
  ingestion_mode: string;
  created_at: Date;
  created_by: string | null;
  status_updated_at: Date;
  parameters: Record<string, unknown>;
  result_data: Record<string, unknown>;
}

/**
 * The requests of Scantrust's code upload API: a record and its presigned POST, the start of its
 * processing (the work itself is the generator-worker's), reads and cancellation.
 */
@Injectable()
export class IngestionService {
  constructor(
    private readonly records: IngestionRecordRepository,
    private readonly storage: ObjectStorage,
    private readonly queue: JobQueue,
  ) {}

  /** `get-post-data`: a new `uploading` record and the POST its file goes up with. */
  async createUpload(caller: ScantrustCaller, body: unknown) {
    const input = object(body);
    const filetype = input.filetype;
    if (filetype === undefined || filetype === null || filetype === '') {
      throw ScantrustApiError.field('filetype', 'This field is required.');
    }
    if (filetype !== 'csv' && filetype !== 'json') {
      throw ScantrustApiError.field('filetype', `"${String(filetype)}" is not a valid choice.`);
    }
    const key = newKey();
    const objectKey = `ingestion/${caller.accountId}/${key}.${filetype}`;
    await this.storage.ensureBucket();
    const post = await this.storage.presignedPost({
      key: objectKey,
      contentType: FILE_CONTENT_TYPES[filetype as CodeFileType],
      maxBytes: MAX_FILE_BYTES,
      expiresIn: UPLOAD_EXPIRES_SECONDS,
      successStatus: 201,
    });
    await this.records.insert({
      key,
      account: caller.accountId,
      filetype,
      objectKey,
      createdBy: caller.userId,
    });
    return { post_data: post, record_key: key };
  }

  /** `process`: records the parameters, moves the record to `processing` and enqueues it. */
  async process(caller: ScantrustCaller, body: unknown): Promise<IngestionRecordView> {
    const input = object(body);
    if (typeof input.record !== 'string' || input.record === '') {
      throw ScantrustApiError.field('record', 'This field is required.');
    }
    const defaults = input.default_scm_data ?? {};
    if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
      throw ScantrustApiError.field('default_scm_data', 'Must be a JSON object.');
    }
    const urlPrefix = input.url_prefix ?? null;
    if (
      urlPrefix !== null &&
      (typeof urlPrefix !== 'string' || urlPrefix.length > MAX_URL_PREFIX)
    ) {
      throw ScantrustApiError.field(
        'url_prefix',
        `Must be a string of at most ${MAX_URL_PREFIX} characters.`,
      );
    }
    const allow = input.allow_posted_duplicates ?? false;
    if (typeof allow !== 'boolean') {
      throw ScantrustApiError.field('allow_posted_duplicates', 'Must be a valid boolean.');
    }
    const record = await this.records.byKey(input.record, scope(caller));
    if (!record) throw ScantrustApiError.detail(400, 'Invalid record');
    if (record.status !== 'uploading') throw wrongState();
    if (!(await this.storage.head(record.object_key))) {
      throw ScantrustApiError.detail(400, 'Uploaded file not found.');
    }
    const started = await this.records.startProcessing(record.id, {
      default_scm_data: defaults,
      url_prefix: urlPrefix,
      allow_posted_duplicates: allow,
      use_serial_number: false,
    });
    if (!started) throw wrongState();
    await this.queue.nudge(JobName.IngestCodes, { ingestionRecordId: String(started.id) });
    return view(started);
  }

  async get(caller: ScantrustCaller, key: string): Promise<IngestionRecordView> {
    const record = await this.records.byKey(key, scope(caller));
    if (!record) throw ScantrustApiError.notFound();
    return view(record);
  }

  async list(
    caller: ScantrustCaller,
    query: Record<string, unknown>,
    url: URL,
  ): Promise<Page<IngestionRecordView>> {
    const window = pageWindow(query);
    const filter = (name: string): string | null => {
      const value = query[name];
      if (value === undefined || value === '') return null;
      if (typeof value !== 'string') throw ScantrustApiError.field(name, 'Must be a single value.');
      return value;
    };
    const { count, rows } = await this.records.list(
      {
        account: scope(caller),
        type: filter('type'),
        status: filter('status'),
        ingestion_mode: filter('ingestion_mode'),
      },
      window.limit,
      window.offset,
    );
    return page(rows.map(view), count, window, url);
  }

  /** Cancels a record that is not finished (nor being written by a worker right now). */
  async cancel(caller: ScantrustCaller, key: string): Promise<IngestionRecordView> {
    const record = await this.records.byKey(key, scope(caller));
    if (!record) throw ScantrustApiError.notFound();
    const result = await this.records.cancel(record.id);
    if (result.outcome === 'busy') {
      throw ScantrustApiError.detail(
        400,
        'The record is being processed right now and can no longer be cancelled.',
      );
    }
    if (result.outcome === 'final' || result.row === null) {
      const now = await this.records.byKey(key, scope(caller));
      throw ScantrustApiError.detail(
        400,
        `Only records in state 'uploading' or 'processing' can be cancelled (this one is '${now?.status}').`,
      );
    }
    return view(result.row);
  }
}

function view(row: IngestionRecordRow): IngestionRecordView {
  return {
    id: row.id,
    key: row.key,
    description: row.description,
    status: row.status,
    type: row.type,
    ingestion_mode: row.ingestion_mode,
    created_at: row.created_at,
    created_by: row.created_by,
    status_updated_at: row.status_updated_at,
    parameters: row.parameters,
    result_data: row.result_data,
  };
}

function scope(caller: ScantrustCaller): string | null {
  return caller.admin ? null : caller.accountId;
}

function wrongState(): ScantrustApiError {
  return ScantrustApiError.detail(
    400,
    "Only code ingestion records of type S3 in state 'uploading' can be processed.",
  );
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScantrustApiError.detail(400, 'Expected a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** 12 characters of [a-z0-9] from crypto: ~62 bits, as Scantrust's keys look. */
function newKey(): string {
  let key = '';
  for (let i = 0; i < 12; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}
