import { Injectable } from '@nestjs/common';
import { IdentifierJobRepository } from '@sid/codes';
import { AppConfig } from '@sid/shared/config';
import { JobName, JobQueue, RECOVERY_BATCH, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues identifier jobs that PostgreSQL says are unfinished but Redis has lost. */
@Injectable()
export class IdentifierJobSweep extends RecoverySweep<JobName.GenerateIdentifiers> {
  protected readonly job = JobName.GenerateIdentifiers;

  constructor(
    private readonly jobs: IdentifierJobRepository,
    queue: JobQueue,
    config: AppConfig,
  ) {
    super(queue, config);
  }

  protected unfinished(): Promise<string[]> {
    return this.jobs.unfinished(RECOVERY_BATCH);
  }

  protected payload(identifierJobId: string) {
    return { identifierJobId };
  }
}
