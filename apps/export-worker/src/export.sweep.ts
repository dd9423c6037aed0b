import { Injectable } from '@nestjs/common';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues exports of reservations that hold all their codes but have no file yet. */
@Injectable()
export class ExportSweep extends RecoverySweep<JobName.ExportReservation> {
  protected readonly job = JobName.ExportReservation;
  protected readonly unfinished = `
    SELECT id FROM code_reservation
    WHERE status = 'in_progress' AND quantity_reserved = quantity AND export_file IS NULL
    ORDER BY date_created
    LIMIT 1000`;

  protected payload(reservationId: string) {
    return { reservationId };
  }
}
