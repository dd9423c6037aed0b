import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues identifier jobs that PostgreSQL says are unfinished but Redis has lost. */
@Injectable()
export class IdentifierJobSweep extends RecoverySweep<JobName.GenerateIdentifiers> {
  protected readonly job = JobName.GenerateIdentifiers;
  protected readonly unfinished = `
    SELECT id FROM identifier_job
    WHERE status IN ('new', 'in_progress')
    ORDER BY date_created
    LIMIT 1000`;

  constructor(@InjectDataSource() db: DataSource, queue: JobQueue, config: AppConfig) {
    super(db, queue, config.RECOVERY_INTERVAL_MS);
  }

  protected payload(identifierJobId: string) {
    return { identifierJobId };
  }
}
