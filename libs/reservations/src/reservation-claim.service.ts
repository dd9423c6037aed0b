import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { IdentifierJobRepository } from '@sid/codes';
import { AppConfig } from '@sid/shared/config';
import { inPgTransaction } from '@sid/shared/database';
import { EventOutboxRepository } from '@sid/shared/events';
import { codesClaimed } from '@sid/shared/observability';
import { JobName, JobQueue } from '@sid/shared/queue';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { LockedReservation, ReservationRepository } from './reservation.repository';

export type ClaimOutcome = 'reserved' | 'waiting' | 'failed' | 'skipped';

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
    private readonly reservations: ReservationRepository,
    private readonly codes: CodeLifecycleRepository,
    private readonly jobs: IdentifierJobRepository,
    private readonly outbox: EventOutboxRepository,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async run(reservationId: string): Promise<ClaimOutcome> {
    const tally = { claimed: 0 };
    for (;;) {
      const step = await inPgTransaction(this.db, (client) =>
        this.claimBatch(client, reservationId, tally),
      );
      if (step === 'more') continue;
      // A large claim moves many codes out of the pool: the planner learns it before the export
      // (or the wait for more codes) starts, once per claim, not per batch.
      await this.codes.afterCodesMoved(tally.claimed);
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
      const reservation = await this.reservations.lock(client, reservationId);
      if (!reservation || !ACTIVE.includes(reservation.status) || reservation.export_file) return;
      if (reservation.quantity_reserved >= reservation.quantity) return;
      await this.failInTransaction(client, reservation, message.slice(0, 2000));
    });
  }

  private async claimBatch(
    client: PoolClient,
    reservationId: string,
    tally: { claimed: number },
  ): Promise<'more' | 'reserved' | 'generating' | { generating: string } | 'failed' | 'skipped'> {
    const reservation = await this.reservations.lock(client, reservationId);
    if (!reservation || !ACTIVE.includes(reservation.status)) return 'skipped';
    const need = reservation.quantity - reservation.quantity_reserved;
    if (need <= 0) return reservation.export_file ? 'skipped' : 'reserved';

    const batch = Math.min(need, this.config.RESERVATION_BATCH_SIZE);
    const count = await this.codes.claim(client, reservation, batch);
    tally.claimed += count;
    if (count > 0) await this.reservations.addReserved(client, reservation.id, count);
    // Counted just before the commit: a batch whose commit then fails is counted once too many.
    codesClaimed.inc({ code_type: reservation.code_type }, count);
    if (count === need) return 'reserved';
    if (count === batch) return 'more';
    if (count === 0) await this.reservations.markInProgress(client, reservation.id);
    return this.askForCodes(client, reservation, need - count);
  }

  /** The pool is short: make sure one identifier job is generating the missing codes. */
  private async askForCodes(
    client: PoolClient,
    reservation: LockedReservation,
    missing: number,
  ): Promise<'generating' | { generating: string } | 'failed'> {
    const job = await this.jobs.latestForReservation(client, reservation.id);
    if (job && (job.status === 'new' || job.status === 'in_progress')) return 'generating';
    if (job && job.status === 'error') {
      return this.failInTransaction(
        client,
        reservation,
        `Not enough unassigned codes, and generating the missing ${missing} failed: ${job.error_message ?? 'unknown error'}`,
      );
    }
    const like = await this.jobs.settingsLike(
      client,
      reservation.account,
      reservation.code_type,
      reservation.product,
    );
    if (reservation.code_type === 'sscc' && !like) {
      return this.failInTransaction(
        client,
        reservation,
        `Not enough unassigned SSCC codes (${missing} missing), and neither a code pool nor an earlier SSCC job says which company prefix to continue.`,
      );
    }
    const id = await this.jobs.insertForReservation(client, {
      account: reservation.account,
      quantity: missing,
      type: reservation.code_type,
      product: reservation.product,
      reservation: reservation.id,
      like,
    });
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
    await this.codes.releaseReserved(client, reservationId);
    await this.reservations.setFinalStatus(client, reservationId, 'error', message, null);
    await this.outbox.record(client, {
      event: 'code_reservation.failed',
      account,
      subject: reservationId,
      data: { id: reservationId, product, code_type, quantity, error_message: message },
    });
    return 'failed';
  }
}
