import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobName, JobQueue } from '@sid/shared/queue';
import { CREATE_REFILL_JOBS } from './code-pool.sql';
import { NewDomainEvent, recordEvent } from '@sid/shared/events';

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
    // pool.low is recorded with the refill job it starts (outbox: same transaction).
    const rows: RefillJob[] = await this.db.transaction(async (tx) => {
      const refills: RefillJob[] = await tx.query(CREATE_REFILL_JOBS, [codePoolId ?? null]);
      for (const refill of refills) await recordEvent(tx, poolLowEvent(refill));
      return refills;
    });
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

interface RefillJob {
  id: string;
  account: string;
  code_pool: string;
  product: string | null;
  type: string;
  quantity: number;
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
