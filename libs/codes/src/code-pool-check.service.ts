import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobName, JobQueue } from '@sid/shared/queue';
import { CREATE_REFILL_JOBS } from './code-pool.sql';

/**
 * Keeps pools at their minimum: every pool below it (and with no refill pending) gets one refill
 * identifier job, which the generator then runs like any other. Safe to run anywhere, at any time,
 * any number of times at once.
 */
@Injectable()
export class CodePoolCheckService {
  private readonly logger = new Logger(CodePoolCheckService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
  ) {}

  /** Returns the ids of the refill jobs it created. */
  async check(codePoolId?: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(CREATE_REFILL_JOBS, [codePoolId ?? null]);
    // After the commit, so that the generator finds the rows; should Redis fail here, the
    // generator's recovery sweep finds the new jobs.
    for (const { id } of rows)
      await this.queue.add(JobName.GenerateIdentifiers, { identifierJobId: id });
    if (rows.length > 0)
      this.logger.log(
        `${rows.length} pool(s) below their minimum: refill jobs ${rows.map((r) => r.id).join(', ')}`,
      );
    return rows.map((r) => r.id);
  }
}
