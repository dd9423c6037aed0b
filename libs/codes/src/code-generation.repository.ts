import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { inPgTransaction, isPgError, PG_UNIQUE_VIOLATION } from '@sid/shared/database';
import { GeneratedCode } from './code-plan';
import {
  ADD_CREATED,
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

export interface LockedJob {
  quantity: number;
  quantity_created: number;
  status: string;
}

/** One transaction of the generator, with the job row locked. */
export interface ChunkTransaction {
  job: LockedJob;
  /** Inserts codes; returns how many were new (the others collided with existing codes). */
  insert(codes: GeneratedCode[]): Promise<number>;
  claimSsccRange(prefix: string, extension: number, start: bigint, count: number): Promise<bigint>;
  addCreated(count: number): Promise<number>;
}

const ROWS_PER_WRITE = 5_000;

@Injectable()
export class CodeGenerationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async countExisting(product: string | null, type: string): Promise<number> {
    const [{ count }] = await this.db.query(COUNT_EXISTING, [product, type]);
    return count;
  }

  /** The next SSCC serial reference of a company prefix and extension digit (not claimed). */
  async ssccNextSerial(prefix: string, extension: number): Promise<bigint> {
    const [{ next }] = await this.db.query(SSCC_NEXT_SERIAL, [prefix, extension]);
    return BigInt(next);
  }

  /** Deletes a failed job's unassigned codes and records the error, in one transaction. */
  async discardUnassigned(identifierJobId: string, message: string): Promise<void> {
    await inPgTransaction(this.db, async (client) => {
      await client.query(LOCK_JOB, [identifierJobId]);
      await client.query(DISCARD_UNASSIGNED, [identifierJobId]);
      await client.query(MARK_FAILED, [identifierJobId, message]);
    });
  }

  /** Runs `work` in one transaction holding the job's row lock; null if the job is gone. */
  inChunk<T>(owner: CodeOwner, work: (tx: ChunkTransaction) => Promise<T>): Promise<T | null> {
    return inPgTransaction(this.db, async (client) => {
      const { rows } = await client.query<LockedJob>(LOCK_JOB, [owner.identifierJob]);
      if (rows.length === 0) return null;
      return work({
        job: rows[0],
        insert: (codes) => insertCodes(client, owner, codes),
        claimSsccRange: async (prefix, extension, start, count) => {
          const result = await client.query(CLAIM_SSCC_RANGE, [prefix, extension, start.toString(), count]);
          return BigInt(result.rows[0].first);
        },
        addCreated: async (count) => {
          const result = await client.query(ADD_CREATED, [owner.identifierJob, count]);
          return result.rows[0].quantity_created;
        },
      });
    });
  }
}

/**
 * COPY straight into `unique_code` inside a savepoint. A collision with a stored code (or within
 * the chunk) aborts the COPY; the chunk is then staged and inserted with ON CONFLICT DO NOTHING,
 * and the caller generates replacements for what was skipped.
 */
async function insertCodes(client: PoolClient, owner: CodeOwner, codes: GeneratedCode[]): Promise<number> {
  if (codes.length === 0) return 0;
  const prefix = [owner.account, owner.type, owner.product, owner.identifierJob, owner.userCreated]
    .map((value) => (value === null ? '\\N' : copyText(value)))
    .join('\t');
  await client.query('SAVEPOINT copy_codes');
  try {
    await copyRows(client, COPY_CODES, codes, (c) => `${prefix}\t${codeColumns(c)}\n`);
    await client.query('RELEASE SAVEPOINT copy_codes');
    return codes.length;
  } catch (error) {
    if (!isPgError(error, PG_UNIQUE_VIOLATION)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT copy_codes');
  }
  await client.query(CREATE_STAGING);
  await client.query(TRUNCATE_STAGING);
  await copyRows(client, COPY_STAGING, codes, (c) => `${codeColumns(c)}\n`);
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

async function copyRows<T>(client: PoolClient, sql: string, rows: T[], line: (row: T) => string): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
    let text = '';
    for (const row of rows.slice(i, i + ROWS_PER_WRITE)) text += line(row);
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), finished]);
  }
  stream.end();
  await finished;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Escapes a value for COPY's text format (codes from our alphabets never need it). */
export function copyText(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
