import { Injectable } from '@nestjs/common';
import { UNFINISHED_RECORDS } from '@sid/ingestion';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues ingestion records that PostgreSQL says are processing but Redis has lost. */
@Injectable()
export class CodeIngestionSweep extends RecoverySweep<JobName.IngestCodes> {
  protected readonly job = JobName.IngestCodes;
  protected readonly unfinished = UNFINISHED_RECORDS;

  protected payload(ingestionRecordId: string) {
    return { ingestionRecordId };
  }
}
