import { Injectable } from '@nestjs/common';
import { WorkorderRepository } from '@sid/ingestion';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RECOVERY_BATCH, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues workorders whose file PostgreSQL says is missing but Redis has lost. */
@Injectable()
export class WorkorderFileSweep extends RecoverySweep<JobName.BuildWorkorderFile> {
  protected readonly job = JobName.BuildWorkorderFile;

  constructor(
    private readonly workorders: WorkorderRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.workorders.unfinished(RECOVERY_BATCH);
  }

  protected payload(workorderId: string) {
    return { workorderId };
  }
}
