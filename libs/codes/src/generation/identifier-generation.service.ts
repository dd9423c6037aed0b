import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { EventOutboxRepository, NewDomainEvent } from '@sid/shared/events';
import { codesGenerated } from '@sid/shared/observability';
import { JobName, JobQueue } from '@sid/shared/queue';
import {
  CodePlan,
  GeneratedCode,
  randomBatches,
  ssccBatches,
  ssccCapacity,
} from '../plan/code-plan';
import {
  CodeGenerationRepository,
  CodeOwner,
  ChunkTransaction,
  FailedJob,
} from './code-generation.repository';
import { CodePlanService } from '../plan/code-plan.service';
import { CODE_SOURCE_FACTORY, CodeSourceFactory } from './code-source';
import { IdentifierJobEntity } from '../identifier-job/identifier-job.entity';
import { PermanentJobError } from '../identifier-job/identifier-job.exception';

export type GenerationOutcome = 'complete' | 'skipped';

/** After this many rounds of replacing collisions, the space is too crowded to go on. */
const MAX_COLLISION_ROUNDS = 20;

/**
 * Runs an identifier job: codes are written in chunks, each chunk one transaction that also
 * raises `quantity_created`, so a job interrupted anywhere resumes from its last committed chunk
 * and ends with exactly `quantity` codes.
 */
@Injectable()
export class IdentifierGenerationService {
  private readonly logger = new Logger(IdentifierGenerationService.name);

  constructor(
    @InjectRepository(IdentifierJobEntity) private readonly jobs: Repository<IdentifierJobEntity>,
    private readonly repository: CodeGenerationRepository,
    private readonly plans: CodePlanService,
    private readonly config: AppConfig,
    @Inject(CODE_SOURCE_FACTORY) private readonly codeSources: CodeSourceFactory,
    private readonly queue: JobQueue,
    private readonly outbox: EventOutboxRepository,
  ) {}

  async run(
    identifierJobId: string,
    onProgress: (created: number, quantity: number) => Promise<void> | void = () => undefined,
  ): Promise<GenerationOutcome> {
    const job = await this.jobs.findOneBy({ id: identifierJobId });
    if (!job || job.status === 'complete' || job.status === 'error') return 'skipped';
    try {
      const plan = await this.plans.planFor(job);
      if (!plan) throw new PermanentJobError(`Product "${job.product}" does not exist.`);
      const owner: CodeOwner = {
        account: job.account,
        type: job.type,
        product: job.product,
        identifierJob: job.id,
        userCreated: job.user_created,
      };
      if (job.quantity_created === 0 && plan.type !== 'sscc') {
        const problem = await this.plans.problem(plan, job, job.quantity, job.id);
        if (problem) throw new PermanentJobError(problem);
      }
      const source = plan.type === 'sscc' ? null : this.codeSources(plan);
      let before = job.quantity_created;
      for (;;) {
        const created = await this.repository.inChunk(owner, (tx) =>
          this.writeChunk(tx, plan, job, source),
        );
        if (created === null) return 'skipped';
        codesGenerated.inc({ code_type: job.type }, Math.max(0, created - before));
        before = created;
        await onProgress(created, job.quantity);
        if (created >= job.quantity) break;
      }
      // Once per job, not per chunk; a retry after a crash here runs it again, harmlessly.
      await this.repository.afterJobWritten(job.quantity);
      await this.jobs.manager.transaction(async (tx) => {
        const done = await tx.update(
          IdentifierJobEntity,
          { id: job.id, status: 'in_progress' },
          { status: 'complete', error_message: null },
        );
        if (done.affected) await this.outbox.record(tx, completedEvent(job));
      });
      await this.wakeReservation(job);
      return 'complete';
    } catch (error) {
      if (error instanceof PermanentJobError) await this.fail(job.id, error.message);
      throw error;
    }
  }

  /**
   * Marks the job failed and takes back the codes it made that nobody holds yet, so a failed job
   * leaves nothing half-written behind. Called for permanent errors and when retries run out.
   */
  async fail(identifierJobId: string, message: string): Promise<void> {
    this.logger.warn(`identifier_job ${identifierJobId} failed: ${message}`);
    const reason = message.slice(0, 2000);
    await this.repository.discardUnassigned(identifierJobId, reason, (client, failed) =>
      this.outbox.record(client, failedEvent(identifierJobId, failed, reason)),
    );
    const job = await this.jobs.findOneBy({ id: identifierJobId });
    if (job) await this.wakeReservation(job);
  }

  /** A job made for a reservation tells it that its codes exist (or never will). */
  private async wakeReservation(job: IdentifierJobEntity): Promise<void> {
    if (!job.code_reservation) return;
    await this.queue.add(
      JobName.ClaimCodes,
      { reservationId: job.code_reservation },
      `after-${job.id}`,
    );
  }

  /** One chunk: returns quantity_created after it. */
  private async writeChunk(
    tx: ChunkTransaction,
    plan: CodePlan,
    job: IdentifierJobEntity,
    source: ((count: number) => GeneratedCode[]) | null,
  ): Promise<number> {
    const { quantity, quantity_created, status } = tx.job;
    if (status === 'complete' || status === 'error') return quantity;
    const wanted = Math.min(this.config.GENERATOR_CHUNK_SIZE, quantity - quantity_created);
    if (wanted <= 0) return quantity_created;

    let inserted = 0;
    for (let round = 0; inserted < wanted; round++) {
      if (round >= MAX_COLLISION_ROUNDS) {
        throw new PermanentJobError(
          `Could not find ${wanted - inserted} more free codes after ${round} attempts: the code space is too crowded; use a longer length.`,
        );
      }
      const missing = wanted - inserted;
      const batches = source
        ? randomBatches(source, missing)
        : ssccBatches(plan, await this.claimSscc(tx, plan, job, missing), missing);
      inserted += await tx.insert(batches);
    }
    return tx.addCreated(inserted);
  }

  private async claimSscc(
    tx: ChunkTransaction,
    plan: CodePlan,
    job: IdentifierJobEntity,
    count: number,
  ): Promise<bigint> {
    const prefix = plan.ssccCompanyPrefix as string;
    const extension = plan.ssccExtensionDigit as number;
    const first = await tx.claimSsccRange(prefix, extension, BigInt(job.sscc_start_serial), count);
    const capacity = ssccCapacity(plan);
    if (first + BigInt(count) > capacity) {
      const left = first < capacity ? capacity - first : 0n;
      throw new PermanentJobError(
        `The SSCC serial reference space of company prefix ${prefix} with extension digit ${extension} is exhausted: ${left} serial references left, ${count} needed.`,
      );
    }
    return first;
  }
}

/** identifier_job.completed, recorded with the status change (outbox). */
function completedEvent(job: IdentifierJobEntity): NewDomainEvent {
  return {
    event: 'identifier_job.completed',
    account: job.account,
    subject: job.id,
    data: { id: job.id, type: job.type, product: job.product, quantity: job.quantity },
  };
}

/** identifier_job.failed, recorded with the status change (outbox). */
function failedEvent(id: string, failed: FailedJob, message: string): NewDomainEvent {
  const { account, ...job } = failed;
  return {
    event: 'identifier_job.failed',
    account,
    subject: id,
    data: { id, ...job, error_message: message },
  };
}
