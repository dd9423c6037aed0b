import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobQueue } from '@sid/shared/queue';
import { IdentifierJobRepository } from '../identifier-job/identifier-job.repository';

/**
 * Keeps pools at their minimum: every pool below it (and with no refill pending) gets one refill
 * identifier job, which the generator then runs like any other. Safe to run anywhere, at any time,
 * any number of times at once.
 */
@Injectable()
export class CodePoolCheckService {
  private readonly logger = new Logger(CodePoolCheckService.name);

  constructor(
    private readonly jobs: IdentifierJobRepository,
    private readonly queue: JobQueue,
  ) {}

  /** Returns the ids of the refill jobs it created. */
  async check(codePoolId?: string): Promise<string[]> {
    const ids = await this.jobs.createRefillJobs(codePoolId ?? null);
    // After the commit, so that the generator finds the rows; should Redis fail here, the
    // generator's recovery sweep finds the new jobs.
    for (const id of ids)
      await this.queue.add(JobName.GenerateIdentifiers, { identifierJobId: id });
    if (ids.length > 0)
      this.logger.log(`${ids.length} pool(s) below their minimum: refill jobs ${ids.join(', ')}`);
    return ids;
  }
}
