import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DomainService, ProductRepository } from '@sid/catalog';
import { CustomCode, CustomCodeOwner, CustomCodeRepository } from '@sid/codes';
import { inPgTransaction } from '@sid/shared/database';
import { EventOutboxRepository } from '@sid/shared/events';
import { JobName, JobQueue } from '@sid/shared/queue';
import { ObjectStorage } from '@sid/shared/storage';
import { CodeFileType, FILE_CONTENT_TYPES, MAX_FILE_BYTES, parseCodeFile } from './code-file';
import { isRowError, mapRow, productKeys, RowContext, RowError } from './code-row';
import { IngestionErrors, MAX_LISTED_IDS } from './ingestion-errors';
import { IngestionRecordRepository, IngestionRecordRow } from './ingestion-record.repository';
import { CodeFileError } from './ingestion.exception';
import { WorkorderRepository } from './workorder.repository';

export type IngestionOutcome =
  | { status: 'completed'; workorderId: string; quantity: number }
  | { status: 'error'; errors: unknown[] }
  | { status: 'skipped' };

/** Rows read so far, for a job's progress. */
export type IngestionProgress = (rows: number) => Promise<unknown> | void;

/** Thrown through the fast path's COPY at the first bad row: the file is then checked whole. */
class RowRefused extends Error {
  constructor(readonly row: RowError) {
    super(`${row.kind}: ${row.id}`);
  }
}

class FileRefused extends Error {
  constructor(readonly errors: unknown[]) {
    super('The file has errors.');
  }
}

/**
 * Takes an uploaded file of codes in, all or nothing: one transaction holds the record's row lock,
 * creates the workorder and writes every code, or writes nothing and records why.
 *
 * Fast path: the file streams from S3 through the parser straight into a COPY into unique_code
 * (its unique indexes catch posted duplicates and ids that exist). At the first bad row, or when
 * an index refuses the COPY, the savepoint is rolled back and the file is read again into a
 * staging table, where every kind of error is found as a set; a file that only had posted
 * duplicates it allows is then written from there, the first of each id kept.
 *
 * A second run (a retried or recovered job) finds the record no longer `processing` and stops; a
 * run killed midway committed nothing, so the next one starts from the beginning.
 */
@Injectable()
export class CodeIngestionService {
  private readonly logger = new Logger(CodeIngestionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly records: IngestionRecordRepository,
    private readonly workorders: WorkorderRepository,
    private readonly codes: CustomCodeRepository,
    private readonly storage: ObjectStorage,
    private readonly domains: DomainService,
    private readonly queue: JobQueue,
    private readonly outbox: EventOutboxRepository,
    private readonly products: ProductRepository,
  ) {}

  async run(
    recordId: string,
    progress: IngestionProgress = () => undefined,
  ): Promise<IngestionOutcome> {
    const bulk = await this.codes.bulkWriteAllowed();
    let outcome: IngestionOutcome;
    try {
      outcome = await inPgTransaction(this.db, async (client) => {
        const record = await this.records.lock(client, recordId);
        if (!record || record.status !== 'processing') return { status: 'skipped' as const };
        const written = await this.ingest(client, record, bulk, progress);
        const workorderId = Number(written.workorderId);
        const finished = await this.records.finish(client, record.id, 'completed', {
          workorder_id: workorderId,
        });
        if (finished) {
          // The subject is the record's key, as the upload API names it.
          await this.outbox.record(client, {
            event: 'ingestion_record.completed',
            account: finished.account,
            subject: finished.key,
            data: { workorder_id: workorderId, quantity: written.quantity },
          });
        }
        return { status: 'completed' as const, ...written };
      });
    } catch (error) {
      if (error instanceof FileRefused) return this.refuse(recordId, error.errors);
      if (error instanceof CodeFileError)
        return this.refuse(recordId, [{ file_error: error.message }]);
      throw error;
    }
    if (outcome.status === 'completed') {
      await this.queue.nudge(JobName.BuildWorkorderFile, { workorderId: outcome.workorderId });
    }
    return outcome;
  }

  /** A job that failed for good (its attempts used up) leaves its reason on the record. */
  async fail(recordId: string, message: string): Promise<void> {
    await this.finishWithErrors(recordId, [{ processing_error: message }]);
  }

  private async refuse(recordId: string, errors: unknown[]): Promise<IngestionOutcome> {
    await this.finishWithErrors(recordId, errors);
    return { status: 'error', errors };
  }

  /** The record ends in `error`, and its failed event is recorded with it (once). */
  private async finishWithErrors(recordId: string, errors: unknown[]): Promise<void> {
    await inPgTransaction(this.db, async (client) => {
      const finished = await this.records.finish(client, recordId, 'error', { errors });
      if (!finished) return;
      await this.outbox.record(client, {
        event: 'ingestion_record.failed',
        account: finished.account,
        subject: finished.key,
        // The first errors are enough to tell why; the record holds them all.
        data: { errors: errors.slice(0, 10) },
      });
    });
  }

  private async ingest(
    client: PoolClient,
    record: IngestionRecordRow,
    bulk: boolean,
    progress: IngestionProgress,
  ): Promise<{ workorderId: string; quantity: number }> {
    const type = record.filetype as CodeFileType;
    await this.checkObject(record.object_key, type);
    const context = await this.context(record);
    const workorderId = await this.workorders.insert(client, {
      account: record.account,
      ingestionRecord: record.id,
      reference: record.key,
      createdBy: record.created_by,
    });
    const owner: CustomCodeOwner = {
      account: record.account,
      workorder: workorderId,
      userCreated: record.created_by,
      products: [...new Set(context.products.values())],
    };
    let read = 0;
    let reported = 0;
    const counted = async (rows: number): Promise<void> => {
      read += rows;
      if (read - reported >= 50_000) {
        reported = read;
        await progress(read);
      }
    };
    let quantity: number | 'conflict' | 'refused';
    try {
      quantity = await this.codes.copy(
        client,
        owner,
        this.codesOf(record, type, context, counted, (row) => {
          throw new RowRefused(row);
        }),
        bulk,
      );
    } catch (error) {
      if (!(error instanceof RowRefused)) throw error;
      quantity = 'refused';
    }
    if (typeof quantity !== 'number') {
      quantity = await this.checkWhole(client, record, type, context, owner);
    }
    await this.workorders.setQuantity(client, workorderId, quantity);
    return { workorderId, quantity };
  }

  /**
   * The slow path: the whole file staged and checked; every error found is thrown as one
   * FileRefused, else the staged codes are written (posted duplicates dropped if allowed).
   */
  private async checkWhole(
    client: PoolClient,
    record: IngestionRecordRow,
    type: CodeFileType,
    context: RowContext,
    owner: CustomCodeOwner,
  ): Promise<number> {
    const errors = new IngestionErrors();
    await this.codes.stage(
      client,
      this.codesOf(
        record,
        type,
        context,
        async () => undefined,
        (row) => errors.addRow(row),
      ),
    );
    if (record.parameters.allow_posted_duplicates !== true) {
      errors.addKind(
        'posted_duplicate_error',
        await this.codes.postedDuplicates(client, MAX_LISTED_IDS),
      );
    }
    errors.addKind('duplicate_id_error', await this.codes.existingCodes(client, MAX_LISTED_IDS));
    if (!errors.empty) throw new FileRefused(errors.toJSON());
    return this.codes.insertStaged(client, owner);
  }

  /** The file's rows as codes, batch by batch; a bad row goes to `onError` and is left out. */
  private async *codesOf(
    record: IngestionRecordRow,
    type: CodeFileType,
    context: RowContext,
    counted: (rows: number) => Promise<void>,
    onError: (row: RowError) => void,
  ): AsyncGenerator<CustomCode[]> {
    const { body } = await this.storage.getStream(record.object_key);
    let line = 0;
    for await (const rows of parseCodeFile(body, type)) {
      const codes: CustomCode[] = [];
      for (const row of rows) {
        line += 1;
        const mapped = mapRow(row, line, context);
        if (isRowError(mapped)) onError(mapped);
        else codes.push(mapped);
      }
      await counted(rows.length);
      yield codes;
    }
  }

  /** The store's own word on the object: there, not too large, of the type it was posted as. */
  private async checkObject(key: string, type: CodeFileType): Promise<void> {
    const head = await this.storage.head(key);
    if (!head) throw new CodeFileError('Uploaded file not found.');
    if (head.size > MAX_FILE_BYTES) throw new CodeFileError('The file is larger than 100 MB.');
    if (head.size === 0) throw new CodeFileError('The file is empty.');
    const expected = FILE_CONTENT_TYPES[type];
    const actual = (head.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (actual !== expected) {
      throw new CodeFileError(`The file was uploaded as "${actual}", not as ${expected}.`);
    }
  }

  private async context(record: IngestionRecordRow): Promise<RowContext> {
    const products = await this.products.keysOfAccount(record.account);
    const defaults = { ...((record.parameters.default_scm_data as Record<string, unknown>) ?? {}) };
    delete defaults.id;
    const prefix = record.parameters.url_prefix;
    return {
      defaults,
      urlPrefix: typeof prefix === 'string' && prefix !== '' ? prefix : null,
      host: await this.domains.linkHost(record.account, null),
      products: productKeys(products),
    };
  }
}
