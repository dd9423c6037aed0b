import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues identifier jobs that PostgreSQL says are unfinished but Redis has lost. */
@Injectable()
export class IdentifierJobSweep extends RecoverySweep {
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
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM identifier_job WHERE status IN ('new', 'in_progress') ORDER BY date_created LIMIT 1000`,
    );
    let recovered = 0;
    for (const { id } of rows) {
      if (
        (await this.queue.ensure(JobName.GenerateIdentifiers, { identifierJobId: id })) !==
        'present'
      )
        recovered++;
    }
    return recovered;
  }
}
