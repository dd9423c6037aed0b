import { Injectable } from '@nestjs/common';
import { ReservationRepository } from '@sid/reservations';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RECOVERY_BATCH, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues exports of reservations that hold all their codes but have no file yet. */
@Injectable()
export class ExportSweep extends RecoverySweep<JobName.ExportReservation> {
  protected readonly job = JobName.ExportReservation;

  constructor(
    private readonly reservations: ReservationRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.reservations.awaitingExport(RECOVERY_BATCH);
  }

  protected payload(reservationId: string) {
    return { reservationId };
  }
}
