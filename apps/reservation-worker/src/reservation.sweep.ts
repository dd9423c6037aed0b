import { Injectable } from '@nestjs/common';
import { ReservationRepository } from '@sid/reservations';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RECOVERY_BATCH, RecoverySweep } from '@sid/shared/queue';

/**
 * Re-enqueues claims PostgreSQL says are unfinished: reservations short of codes that are not
 * waiting on a running identifier job (those are woken by the generator).
 */
@Injectable()
export class ReservationSweep extends RecoverySweep<JobName.ClaimCodes> {
  protected readonly job = JobName.ClaimCodes;

  constructor(
    private readonly reservations: ReservationRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.reservations.unfinishedClaims(RECOVERY_BATCH);
  }

  protected payload(reservationId: string) {
    return { reservationId };
  }
}
