import { Injectable } from '@nestjs/common';
import { JobName, RecoverySweep } from '@sid/shared/queue';

/** Re-enqueues identifier jobs that PostgreSQL says are unfinished but Redis has lost. */
@Injectable()
export class IdentifierJobSweep extends RecoverySweep<JobName.GenerateIdentifiers> {
  protected readonly job = JobName.GenerateIdentifiers;
  protected readonly unfinished = `
    SELECT id FROM identifier_job
    WHERE status IN ('new', 'in_progress')
    ORDER BY date_created
    LIMIT 1000`;

  protected payload(identifierJobId: string) {
    return { identifierJobId };
  }
}
