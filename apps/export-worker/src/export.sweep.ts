import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues exports of reservations that hold all their codes but have no file yet. */
@Injectable()
export class ExportSweep extends RecoverySweep {
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
      SELECT id FROM code_reservation
      WHERE status = 'in_progress' AND quantity_reserved = quantity AND export_file IS NULL
      ORDER BY date_created
      LIMIT 1000`);
    let recovered = 0;
    for (const { id } of rows) {
      if ((await this.queue.ensure(JobName.ExportReservation, { reservationId: id })) !== 'present')
        recovered++;
    }
    return recovered;
  }
}
