import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inPgTransaction } from '@sid/shared/database';
import { JobName, JobQueue } from '@sid/shared/queue';
import { NewDomainEvent, EventOutboxRepository } from '@sid/shared/events';
import { IdentifierJobRepository, RefillJob } from '../identifier-job/identifier-job.repository';

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
    private readonly jobs: IdentifierJobRepository,
    private readonly outbox: EventOutboxRepository,
    private readonly queue: JobQueue,
  ) {}

  /** Returns the ids of the refill jobs it created. */
  async check(codePoolId?: string): Promise<string[]> {
    // pool.low is recorded with the refill job it starts (outbox: same transaction).
    const refills = await inPgTransaction(this.db, async (client) => {
      const created = await this.jobs.createRefillJobs(client, codePoolId ?? null);
      for (const refill of created) await this.outbox.record(client, poolLowEvent(refill));
      return created;
    });
    const ids = refills.map((refill) => refill.id);
    // After the commit, so that the generator finds the rows; should Redis fail here, the
    // generator's recovery sweep finds the new jobs.
    for (const id of ids)
      await this.queue.add(JobName.GenerateIdentifiers, { identifierJobId: id });
    if (ids.length > 0)
      this.logger.log(`${ids.length} pool(s) below their minimum: refill jobs ${ids.join(', ')}`);
    return ids;
  }
}

function poolLowEvent(refill: RefillJob): NewDomainEvent {
  return {
    event: 'pool.low',
    account: refill.account,
    subject: refill.id,
    data: {
      code_pool: refill.code_pool,
      product: refill.product,
      code_type: refill.type,
      refill_job: refill.id,
      refill_quantity: refill.quantity,
    },
  };
}
