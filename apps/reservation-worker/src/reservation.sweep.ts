import { Injectable } from '@nestjs/common';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/**
 * Re-enqueues claims PostgreSQL says are unfinished: reservations short of codes that are not
 * waiting on a running identifier job (those are woken by the generator).
 */
@Injectable()
export class ReservationSweep extends RecoverySweep<JobName.ClaimCodes> {
  protected readonly job = JobName.ClaimCodes;
  protected readonly unfinished = `
    SELECT r.id FROM code_reservation r
    WHERE r.status IN ('new', 'in_progress') AND r.quantity_reserved < r.quantity
      AND NOT EXISTS (
        SELECT 1 FROM identifier_job j
        WHERE j.code_reservation = r.id AND j.status IN ('new', 'in_progress'))
    ORDER BY r.date_created
    LIMIT 1000`;

  protected payload(reservationId: string) {
    return { reservationId };
  }
}
