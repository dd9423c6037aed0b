import { Injectable } from '@nestjs/common';
import { IngestionRecordRepository } from '@sid/ingestion';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RECOVERY_BATCH, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues ingestion records that PostgreSQL says are processing but Redis has lost. */
@Injectable()
export class CodeIngestionSweep extends RecoverySweep<JobName.IngestCodes> {
  protected readonly job = JobName.IngestCodes;

  constructor(
    private readonly records: IngestionRecordRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.records.unfinished(RECOVERY_BATCH);
  }

  protected payload(ingestionRecordId: string) {
    return { ingestionRecordId };
  }
}
