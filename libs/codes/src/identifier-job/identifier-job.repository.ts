import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { insertRows } from '@sid/shared/database';
import { codeLength } from '../plan/code-plan';
import { CREATE_REFILL_JOBS } from '../pool/code-pool.sql';
import { IdentifierJobEntity } from './identifier-job.entity';
import {
  CODE_SETTINGS,
  INSERT_RESERVATION_JOB,
  JOB_MAKING_CODES_LIKE,
  LATEST_RESERVATION_JOB,
  UNFINISHED_JOBS,
} from './identifier-job.sql';

/** The character set of a job that names none. */
export const DEFAULT_CHARACTER_SET = 'alphanumeric';

/** How a reservation's automatic job makes its codes: like the pool's, else the defaults. */
export interface CodeSettings {
  length: number;
  character_set: string;
  domain: string | null;
  sscc_company_prefix: string | null;
  sscc_extension_digit: number | null;
  epc_mode: boolean;
  user_created: string | null;
}

export interface ReservationJob {
  account: string;
  quantity: number;
  type: string;
  product: string | null;
  reservation: string;
  /** Settings of the same codes (`settingsLike`), if there are any. */
  like?: CodeSettings;
}

/** A refill job just created for a pool below its minimum. */
export interface RefillJob {
  id: string;
  account: string;
  code_pool: string;
  product: string | null;
  type: string;
  quantity: number;
}

export interface LatestJob {
  id: string;
  status: string;
  error_message: string | null;
}

/**
 * The one place identifier jobs are inserted: by hand (the writer), by a pool refill and on
 * behalf of a short reservation. Methods that take `client` run in the caller's transaction.
 */
@Injectable()
export class IdentifierJobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A job recorded as given (the writer has validated and completed it). */
  async insert(job: IdentifierJobEntity): Promise<void> {
    await this.db.getRepository(IdentifierJobEntity).insert(job);
  }

  /** Jobs recorded as given, all in one transaction or none (a batch create). */
  async insertMany(jobs: IdentifierJobEntity[]): Promise<void> {
    await insertRows(this.db, IdentifierJobEntity, jobs);
  }

  /** A refill job for every pool below its minimum (or only pool `poolId`); returns them. */
  async createRefillJobs(client: ClientBase, poolId: string | null): Promise<RefillJob[]> {
    const { rows } = await client.query<RefillJob>(CREATE_REFILL_JOBS, [poolId]);
    return rows;
  }

  /** Inserts the job that makes the codes a reservation misses; returns its id. */
  async insertForReservation(client: ClientBase, job: ReservationJob): Promise<string> {
    const id = randomUUID();
    const { like } = job;
    await client.query(INSERT_RESERVATION_JOB, [
      id,
      job.account,
      job.quantity,
      job.type,
      job.product,
      like?.length ?? codeLength(job.type),
      like?.character_set ?? DEFAULT_CHARACTER_SET,
      like?.domain ?? null,
      like?.sscc_company_prefix ?? null,
      like?.sscc_extension_digit ?? null,
      like?.epc_mode ?? false,
      `for reservation ${job.reservation}`,
      job.reservation,
      like?.user_created ?? null,
    ]);
    return id;
  }

  /** Whether job `id` is of the account and makes codes of this type and product. */
  async makesCodesLike(
    id: string,
    account: string,
    type: string,
    product: string | null,
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(JOB_MAKING_CODES_LIKE, [
      id,
      account,
      type,
      product,
    ]);
    return rows.length > 0;
  }

  /** Recovery: ids of jobs not yet finished, oldest first. */
  async unfinished(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(UNFINISHED_JOBS, [limit]);
    return rows.map((row) => row.id);
  }

  /** The job last asked for on behalf of the reservation, if any. */
  async latestForReservation(
    client: ClientBase,
    reservationId: string,
  ): Promise<LatestJob | undefined> {
    const { rows } = await client.query<LatestJob>(LATEST_RESERVATION_JOB, [reservationId]);
    return rows[0];
  }

  /** The settings of the pool of these codes, else of their latest job; undefined if neither. */
  async settingsLike(
    client: ClientBase,
    account: string,
    type: string,
    product: string | null,
  ): Promise<CodeSettings | undefined> {
    const { rows } = await client.query<CodeSettings>(CODE_SETTINGS, [account, type, product]);
    return rows[0];
  }
}
