import { Injectable } from '@nestjs/common';
import { UNFINISHED_WORKORDERS } from '@sid/ingestion';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues workorders whose file PostgreSQL says is missing but Redis has lost. */
@Injectable()
export class WorkorderFileSweep extends RecoverySweep<JobName.BuildWorkorderFile> {
  protected readonly job = JobName.BuildWorkorderFile;
  protected readonly unfinished = UNFINISHED_WORKORDERS;

  protected payload(workorderId: string) {
    return { workorderId };
  }
}
