import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RecoverySweep } from '@sid/shared/queue';

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

  constructor(@InjectDataSource() db: DataSource, queue: JobQueue, config: AppConfig) {
    super(db, queue, config.RECOVERY_INTERVAL_MS);
  }

  protected payload(reservationId: string) {
    return { reservationId };
  }
}
