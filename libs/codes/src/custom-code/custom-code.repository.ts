import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { isPgError, PG_UNIQUE_VIOLATION } from '@sid/shared/database';
import { bulkWriteAllowed, copyRows, copyText } from '../generation/code-generation.repository';
import { FIRE_ROW_TRIGGERS, SKIP_ROW_TRIGGERS } from '../generation/code-generation.sql';
import {
  COPY_CUSTOM_CODES,
  COPY_CUSTOM_STAGING,
  CREATE_CUSTOM_STAGING,
  EXISTING_CODES,
  FIRST_WORKORDER_LINK,
  INSERT_STAGED_CUSTOM_CODES,
  LOCK_CUSTOM_CODE_PARENTS,
  POSTED_DUPLICATES,
  TRUNCATE_CUSTOM_STAGING,
  workorderCodesCsv,
} from './custom-code.sql';

/** One code a customer brought, ready to store. */
export interface CustomCode {
  /** Its position in the file (1-based), to keep the first of posted duplicates. */
  line: number;
  code: string;
  product: string | null;
  digital_link: string;
  /** 0 inactive, 1 active, 2 blacklisted. */
  activation_status: number;
  blacklist_reason: string | null;
  scm_data: Record<string, unknown> | null;
}

/** What every code of one file shares. */
export interface CustomCodeOwner {
  account: string;
  workorder: string;
  userCreated: string | null;
  /** Every product the file names (checked and locked once when row triggers are skipped). */
  products: string[];
}

/** Ids of one kind of problem: the first ones, and how many there are in all. */
export interface CappedIds {
  ids: string[];
  count: number;
}

/**
 * Bulk writes of `custom` codes with the generator's COPY writer (`copyRows`), inside the
 * caller's transaction on `client`. Like the generator, it checks the codes' parents once and
 * skips the per-row foreign-key triggers when the database allows it.
 */
@Injectable()
export class CustomCodeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Whether writes may skip row triggers (ask outside the transaction, once per file). */
  bulkWriteAllowed(): Promise<boolean> {
    return bulkWriteAllowed(this.db);
  }

  /**
   * COPYs every batch into unique_code in a savepoint. Returns the rows written, or `conflict`
   * when a unique index refused one (an id posted twice or already stored): the savepoint is then
   * rolled back and nothing of the file is written. Any other error rolls back too and is rethrown.
   */
  async copy(
    client: PoolClient,
    owner: CustomCodeOwner,
    batches: AsyncIterable<CustomCode[]>,
    bulk: boolean,
  ): Promise<number | 'conflict'> {
    const prefix = [owner.account, 'custom', 'assigned', owner.workorder, owner.userCreated]
      .map(nullable)
      .join('\t');
    await client.query('SAVEPOINT copy_custom_codes');
    try {
      if (bulk) {
        await lockParents(client, owner);
        await client.query(SKIP_ROW_TRIGGERS);
      }
      const written = await copyRows(
        client,
        COPY_CUSTOM_CODES,
        batches,
        (c) => `${prefix}\t${customColumns(c)}\n`,
      );
      if (bulk) await client.query(FIRE_ROW_TRIGGERS);
      await client.query('RELEASE SAVEPOINT copy_custom_codes');
      return written;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT copy_custom_codes');
      if (isPgError(error, PG_UNIQUE_VIOLATION)) return 'conflict';
      throw error;
    }
  }

  /** Stages a whole file (in a temp table dropped at commit) to check it as a set. */
  async stage(client: PoolClient, batches: AsyncIterable<CustomCode[]>): Promise<number> {
    await client.query(CREATE_CUSTOM_STAGING);
    await client.query(TRUNCATE_CUSTOM_STAGING);
    return copyRows(
      client,
      COPY_CUSTOM_STAGING,
      batches,
      (c) => `${c.line}\t${customColumns(c)}\n`,
    );
  }

  /** Staged ids posted more than once (the first `cap`). */
  async postedDuplicates(client: PoolClient, cap: number): Promise<CappedIds> {
    const { rows } = await client.query<CappedIds>(POSTED_DUPLICATES, [cap]);
    return rows[0];
  }

  /** Staged ids that some custom code already has (the first `cap`). */
  async existingCodes(client: PoolClient, cap: number): Promise<CappedIds> {
    const { rows } = await client.query<CappedIds>(EXISTING_CODES, [cap]);
    return rows[0];
  }

  /** Writes the staged codes, the first of each posted id only; returns how many. */
  async insertStaged(client: PoolClient, owner: CustomCodeOwner): Promise<number> {
    const result = await client.query(INSERT_STAGED_CUSTOM_CODES, [
      owner.account,
      owner.workorder,
      owner.userCreated,
    ]);
    return result.rowCount ?? 0;
  }

  /**
   * A workorder's codes as CSV, streamed by one `COPY ... TO STDOUT` on `client` (lend it with
   * withStreamingPgClient: an abandoned COPY must not go back to the pool).
   */
  copyWorkorderCsv(client: PoolClient, workorder: string): Readable {
    return client.query(copyTo(workorderCodesCsv(workorder)));
  }

  /** The link of the workorder's first code, or null when it has none. */
  async firstWorkorderLink(workorder: string): Promise<string | null> {
    const rows: { digital_link: string }[] = await this.db.query(FIRST_WORKORDER_LINK, [workorder]);
    return rows[0]?.digital_link ?? null;
  }
}

async function lockParents(client: PoolClient, owner: CustomCodeOwner): Promise<void> {
  const { rows } = await client.query<Record<string, boolean>>(LOCK_CUSTOM_CODE_PARENTS, [
    owner.account,
    owner.workorder,
    owner.userCreated,
    owner.products,
  ]);
  const missing = Object.keys(rows[0]).filter((parent) => !rows[0][parent]);
  if (missing.length > 0) {
    throw new Error(`workorder ${owner.workorder}: its ${missing.join(', ')} no longer exist`);
  }
}

function customColumns(c: CustomCode): string {
  return [
    c.code,
    c.product,
    c.digital_link,
    String(c.activation_status),
    c.blacklist_reason,
    c.scm_data === null ? null : JSON.stringify(c.scm_data),
  ]
    .map(nullable)
    .join('\t');
}

function nullable(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}
