import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import { ClientBase, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import {
  inPgTransaction,
  isPgError,
  PG_UNIQUE_VIOLATION,
  TableStatistics,
} from '@sid/shared/database';
import { CodeBatches, GeneratedCode } from '../plan/code-plan';
import {
  ADD_CREATED,
  BULK_WRITE_ALLOWED,
  CLAIM_SSCC_RANGE,
  COPY_CODES,
  COPY_STAGING,
  COUNT_EXISTING,
  DISCARD_UNASSIGNED,
  SSCC_NEXT_SERIAL,
  MARK_FAILED,
  CREATE_STAGING,
  INSERT_FROM_STAGING,
  LOCK_JOB,
  FIRE_ROW_TRIGGERS,
  LOCK_CODE_PARENTS,
  SKIP_ROW_TRIGGERS,
  TRUNCATE_STAGING,
} from './code-generation.sql';

/** The columns every code of one job shares. */
export interface CodeOwner {
  account: string;
  type: string;
  product: string | null;
  identifierJob: string;
  userCreated: string | null;
}

/** A job as it was marked failed. */
export interface FailedJob {
  account: string;
  type: string;
  product: string | null;
  quantity: number;
  quantity_created: number;
}

export interface LockedJob {
  quantity: number;
  quantity_created: number;
  status: string;
}

/** One transaction of the generator, with the job row locked. */
export interface ChunkTransaction {
  job: LockedJob;
  /** Writes codes as they are made; returns how many were new (others collided with stored codes). */
  insert(codes: CodeBatches): Promise<number>;
  claimSsccRange(prefix: string, extension: number, start: bigint, count: number): Promise<bigint>;
  addCreated(count: number): Promise<number>;
}

@Injectable()
export class CodeGenerationRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly statistics: TableStatistics,
  ) {}

  /**
   * Once a job has written its codes, before it reports `complete`: the planner's figures of
   * unique_code (and the visibility map an index-only count reads) follow a bulk write at once.
   */
  async afterJobWritten(quantity: number): Promise<void> {
    await this.statistics.afterBulkWrite('unique_code', quantity, 'insert');
  }

  /** Codes already issued or promised in the space of `product` and `type` (see COUNT_EXISTING). */
  async countExisting(
    product: string | null,
    type: string,
    excludingJob?: string,
  ): Promise<number> {
    const [{ count }] = await this.db.query(COUNT_EXISTING, [product, type, excludingJob ?? null]);
    return count;
  }

  /** The next SSCC serial reference of a company prefix and extension digit (not claimed). */
  async ssccNextSerial(prefix: string, extension: number): Promise<bigint> {
    const [{ next }] = await this.db.query(SSCC_NEXT_SERIAL, [prefix, extension]);
    return BigInt(next);
  }

  /**
   * Deletes a failed job's unassigned codes and records the error, in one transaction, in which
   * `andThen` runs too (the service records the failure's event there); `andThen` is not called
   * when the job is gone.
   */
  async discardUnassigned(
    identifierJobId: string,
    message: string,
    andThen: (client: ClientBase, failed: FailedJob) => Promise<void>,
  ): Promise<void> {
    await inPgTransaction(this.db, async (client) => {
      await client.query(LOCK_JOB, [identifierJobId]);
      await client.query(DISCARD_UNASSIGNED, [identifierJobId]);
      const { rows } = await client.query<FailedJob>(MARK_FAILED, [identifierJobId, message]);
      if (rows[0]) await andThen(client, rows[0]);
    });
  }

  /**
   * Runs `work` in one transaction holding the job's row lock; null if the job is gone.
   *
   * Every code of a chunk has the same account, product, job and creator, so when the database
   * lets us (see BULK_WRITE_ALLOWED) the chunk checks and key-share-locks those parents once, as
   * the foreign-key triggers would for each row, and skips the per-row triggers: for a COPY they
   * cost as much as the COPY itself.
   */
  async inChunk<T>(
    owner: CodeOwner,
    work: (tx: ChunkTransaction) => Promise<T>,
  ): Promise<T | null> {
    const bulk = await this.bulkWriteAllowed();
    return inPgTransaction(this.db, async (client) => {
      const { rows } = await client.query<LockedJob>(LOCK_JOB, [owner.identifierJob]);
      if (rows.length === 0) return null;
      if (bulk) await lockParents(client, owner);
      return work({
        job: rows[0],
        insert: async (batches) => {
          if (!bulk) return insertCodes(client, owner, batches);
          // Only the codes' writes skip triggers; on error the whole transaction rolls back.
          await client.query(SKIP_ROW_TRIGGERS);
          const written = await insertCodes(client, owner, batches);
          await client.query(FIRE_ROW_TRIGGERS);
          return written;
        },
        claimSsccRange: async (prefix, extension, start, count) => {
          const result = await client.query(CLAIM_SSCC_RANGE, [
            prefix,
            extension,
            start.toString(),
            count,
          ]);
          return BigInt(result.rows[0].first);
        },
        addCreated: async (count) => {
          const result = await client.query(ADD_CREATED, [owner.identifierJob, count]);
          return result.rows[0].quantity_created;
        },
      });
    });
  }

  /** Whether a chunk may skip row triggers safely (see BULK_WRITE_ALLOWED); asked per chunk. */
  private bulkWriteAllowed(): Promise<boolean> {
    return bulkWriteAllowed(this.db);
  }
}

/** Whether a bulk write of codes may skip row triggers safely (see BULK_WRITE_ALLOWED). */
export async function bulkWriteAllowed(db: DataSource): Promise<boolean> {
  try {
    const [{ allowed }] = await db.query(BULK_WRITE_ALLOWED);
    return allowed === true;
  } catch {
    return false;
  }
}

/**
 * The foreign-key checks of a chunk's codes, done once: each parent must exist, and stays
 * key-share locked until commit (the job row is already locked for update). The codes' writes
 * then skip triggers; unique_code has no triggers but those checks (see BULK_WRITE_ALLOWED), and
 * CHECK constraints and unique indexes are not triggers: they still hold for every row.
 */
async function lockParents(client: PoolClient, owner: CodeOwner): Promise<void> {
  const { rows } = await client.query<Record<string, boolean>>(LOCK_CODE_PARENTS, [
    owner.account,
    owner.product,
    owner.userCreated,
  ]);
  const missing = Object.keys(rows[0]).filter((parent) => !rows[0][parent]);
  if (missing.length > 0) {
    throw new Error(
      `identifier_job ${owner.identifierJob}: its ${missing.join(', ')} no longer exist`,
    );
  }
}

/**
 * COPY straight into `unique_code` inside a savepoint. A collision with a stored code (or within
 * the chunk) aborts the COPY; the codes are then made again, staged and inserted with ON CONFLICT
 * DO NOTHING, and the caller generates replacements for what was skipped.
 */
async function insertCodes(
  client: PoolClient,
  owner: CodeOwner,
  batches: CodeBatches,
): Promise<number> {
  const prefix = [owner.account, owner.type, owner.product, owner.identifierJob, owner.userCreated]
    .map((value) => (value === null ? '\\N' : copyText(value)))
    .join('\t');
  await client.query('SAVEPOINT copy_codes');
  try {
    const written = await copyRows(
      client,
      COPY_CODES,
      batches(),
      (c) => `${prefix}\t${codeColumns(c)}\n`,
    );
    await client.query('RELEASE SAVEPOINT copy_codes');
    return written;
  } catch (error) {
    if (!isPgError(error, PG_UNIQUE_VIOLATION)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT copy_codes');
  }
  await client.query(CREATE_STAGING);
  await client.query(TRUNCATE_STAGING);
  // The staged codes are made afresh: new random codes, or the same SSCCs of the claimed range.
  await copyRows(client, COPY_STAGING, batches(), (c) => `${codeColumns(c)}\n`);
  const result = await client.query(INSERT_FROM_STAGING, [
    owner.account,
    owner.type,
    owner.product,
    owner.identifierJob,
    owner.userCreated,
  ]);
  return result.rowCount ?? 0;
}

function codeColumns(code: GeneratedCode): string {
  return `${copyText(code.code)}\t${copyText(code.digital_link)}\t${nullable(code.epc_join_key)}\t${nullable(
    code.epc_uri,
  )}\t${nullable(code.epc_hex)}`;
}

function nullable(value: string | null | undefined): string {
  return value === null || value === undefined ? '\\N' : copyText(value);
}

/**
 * One COPY of every batch, each batch made (or read: an async source, such as a parsed upload)
 * while the previous one is on its way to the server, so memory holds one batch whatever the
 * chunk size. Returns the rows written. If making a batch
 * fails, the COPY is cancelled (CopyFail) and the connection is usable again before the error is
 * rethrown.
 */
export async function copyRows<T>(
  client: PoolClient,
  sql: string,
  batches: Iterable<T[]> | AsyncIterable<T[]>,
  line: (row: T) => string,
): Promise<number> {
  const stream = client.query(copyFrom(sql));
  let refused = false;
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (error) => {
      refused = true;
      reject(error);
    });
  });
  // PostgreSQL may refuse the COPY while the source is being awaited: that rejection is handled
  // here (an unhandled one ends the process) and thrown below, once the loop sees it.
  finished.catch(() => undefined);
  let rows = 0;
  try {
    for await (const batch of batches) {
      // Refused: stop reading the source (its stream is closed) and write nothing more.
      if (refused) break;
      let text = '';
      for (const row of batch) text += line(row);
      rows += batch.length;
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), finished]);
    }
  } catch (error) {
    if (!refused) {
      stream.destroy(error as Error);
      await finished.catch(() => undefined);
    }
    throw error;
  }
  if (!refused) stream.end();
  await finished;
  return rows;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Escapes a value for COPY's text format (codes from our alphabets never need it). */
export function copyText(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}
