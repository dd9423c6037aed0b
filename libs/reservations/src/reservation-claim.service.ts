import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { inPgTransaction } from '@sid/shared/database';
import { JobName, JobQueue } from '@sid/shared/queue';
import {
  ADD_RESERVED,
  CLAIM_CODES_OF_PRODUCT,
  CLAIM_CODES_WITHOUT_PRODUCT,
  CODE_SETTINGS,
  INSERT_AUTO_JOB,
  LATEST_AUTO_JOB,
  LOCK_RESERVATION,
  MARK_IN_PROGRESS,
  RELEASE_RESERVED,
  SET_FINAL_STATUS,
} from './reservation.sql';
import { codesClaimed } from '@sid/shared/observability';
import { recordEvent } from '@sid/shared/events';

interface LockedReservation {
  id: string;
  account: string;
  status: string;
  quantity: number;
  quantity_reserved: number;
  product: string | null;
  code_type: string;
  export_file: string | null;
}

export type ClaimOutcome = 'reserved' | 'waiting' | 'failed' | 'skipped';

interface CodeSettings {
  length: number;
  character_set: string;
  domain: string | null;
  sscc_company_prefix: string | null;
  sscc_extension_digit: number | null;
  epc_mode: boolean;
  user_created: string | null;
}

const ACTIVE = ['new', 'in_progress'];

/**
 * Fills a reservation from the pool, batch by batch. When the pool runs dry the reservation asks
 * the generator for the missing codes (one identifier job at a time) and waits, `in_progress`; the
 * generator wakes it up when the codes exist. Once full, its export is enqueued.
 */
@Injectable()
export class ReservationClaimService {
  private readonly logger = new Logger(ReservationClaimService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async run(reservationId: string): Promise<ClaimOutcome> {
    for (;;) {
      const step = await inPgTransaction(this.db, (client) =>
        this.claimBatch(client, reservationId),
      );
      if (step === 'more') continue;
      // Enqueued after the commit, so that the next worker finds the rows it is told about. Should
      // Redis fail here, the recovery sweeps find the work again from these rows.
      if (step === 'reserved') {
        await this.queue.add(JobName.ExportReservation, { reservationId });
        return 'reserved';
      }
      if (typeof step === 'object') {
        await this.queue.add(JobName.GenerateIdentifiers, { identifierJobId: step.generating });
        return 'waiting';
      }
      return step === 'generating' ? 'waiting' : step;
    }
  }

  /**
   * Gives back what a reservation holds unused and marks it failed (its claim's retries ran out).
   * Only a reservation still being filled: one complete, cancelled or already exporting keeps its
   * codes whatever happened to a late duplicate of its claim.
   */
  async fail(reservationId: string, message: string): Promise<void> {
    await inPgTransaction(this.db, async (client) => {
      const { rows } = await client.query<LockedReservation>(LOCK_RESERVATION, [reservationId]);
      const reservation = rows[0];
      if (!reservation || !ACTIVE.includes(reservation.status) || reservation.export_file) return;
      if (reservation.quantity_reserved >= reservation.quantity) return;
      await this.failInTransaction(client, reservation, message.slice(0, 2000));
    });
  }

  private async claimBatch(
    client: PoolClient,
    reservationId: string,
  ): Promise<'more' | 'reserved' | 'generating' | { generating: string } | 'failed' | 'skipped'> {
    const { rows } = await client.query<LockedReservation>(LOCK_RESERVATION, [reservationId]);
    const reservation = rows[0];
    if (!reservation || !ACTIVE.includes(reservation.status)) return 'skipped';
    const need = reservation.quantity - reservation.quantity_reserved;
    if (need <= 0) return reservation.export_file ? 'skipped' : 'reserved';

    const batch = Math.min(need, this.config.RESERVATION_BATCH_SIZE);
    const claimed = await client.query(
      reservation.product === null ? CLAIM_CODES_WITHOUT_PRODUCT : CLAIM_CODES_OF_PRODUCT,
      [reservation.product, reservation.code_type, reservation.account, batch, reservation.id],
    );
    const count = claimed.rowCount ?? 0;
    if (count > 0) await client.query(ADD_RESERVED, [reservation.id, count]);
    // Counted just before the commit: a batch whose commit then fails is counted once too many.
    codesClaimed.inc({ code_type: reservation.code_type }, count);
    if (count === need) return 'reserved';
    if (count === batch) return 'more';
    if (count === 0) await client.query(MARK_IN_PROGRESS, [reservation.id]);
    return this.askForCodes(client, reservation, need - count);
  }

  /** The pool is short: make sure one identifier job is generating the missing codes. */
  private async askForCodes(
    client: PoolClient,
    reservation: LockedReservation,
    missing: number,
  ): Promise<'generating' | { generating: string } | 'failed'> {
    const { rows: latest } = await client.query(LATEST_AUTO_JOB, [reservation.id]);
    const job = latest[0] as
      { id: string; status: string; error_message: string | null } | undefined;
    if (job && (job.status === 'new' || job.status === 'in_progress')) return 'generating';
    if (job && job.status === 'error') {
      return this.failInTransaction(
        client,
        reservation,
        `Not enough unassigned codes, and generating the missing ${missing} failed: ${job.error_message ?? 'unknown error'}`,
      );
    }
    const { rows: settings } = await client.query<CodeSettings>(CODE_SETTINGS, [
      reservation.account,
      reservation.code_type,
      reservation.product,
    ]);
    const like = settings[0];
    if (reservation.code_type === 'sscc' && !like) {
      return this.failInTransaction(
        client,
        reservation,
        `Not enough unassigned SSCC codes (${missing} missing), and neither a code pool nor an earlier SSCC job says which company prefix to continue.`,
      );
    }
    const id = randomUUID();
    await client.query(INSERT_AUTO_JOB, [
      id,
      reservation.account,
      missing,
      reservation.code_type,
      reservation.product,
      like?.length ?? (reservation.code_type === 'sscc' ? 18 : 8),
      like?.character_set ?? 'alphanumeric',
      like?.domain ?? null,
      like?.sscc_company_prefix ?? null,
      like?.sscc_extension_digit ?? null,
      like?.epc_mode ?? false,
      `for reservation ${reservation.id}`,
      reservation.id,
      like?.user_created ?? null,
    ]);
    this.logger.log(
      `reservation ${reservation.id} is ${missing} codes short: identifier_job ${id} asked`,
    );
    return { generating: id };
  }

  private async failInTransaction(
    client: PoolClient,
    { id: reservationId, account, product, code_type, quantity }: LockedReservation,
    message: string,
  ): Promise<'failed'> {
    await client.query(RELEASE_RESERVED, [reservationId]);
    await client.query(SET_FINAL_STATUS, [reservationId, 'error', message, null]);
    await recordEvent(client, {
      event: 'code_reservation.failed',
      account,
      subject: reservationId,
      data: { id: reservationId, product, code_type, quantity, error_message: message },
    });
    return 'failed';
  }
}
