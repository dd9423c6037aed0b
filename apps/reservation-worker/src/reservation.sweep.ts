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
export class ReservationSweep extends RecoverySweep {
  protected readonly intervalMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
    config: AppConfig,
  ) {
    super();
    this.intervalMs = config.RECOVERY_INTERVAL_MS;
  }

  async sweep(): Promise<number> {
    const rows: { id: string }[] = await this.db.query(`
      SELECT r.id FROM code_reservation r
      WHERE r.status IN ('new', 'in_progress') AND r.quantity_reserved < r.quantity
        AND NOT EXISTS (
          SELECT 1 FROM identifier_job j
          WHERE j.code_reservation = r.id AND j.status IN ('new', 'in_progress'))
      ORDER BY r.date_created
      LIMIT 1000`);
    let recovered = 0;
    for (const { id } of rows) {
      if ((await this.queue.ensure(JobName.ClaimCodes, { reservationId: id })) !== 'present')
        recovered++;
    }
    return recovered;
  }
}
