import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, prepareEach, validatePayload } from '@sid/shared/items';
import { JobName, JobQueue } from '@sid/shared/queue';
import { translateWriteError } from '@sid/shared/database';
import { CodePlan, codeLength, ssccCapacity } from '../plan/code-plan';
import { CodeGenerationRepository } from '../generation/code-generation.repository';
import { CodePlanService } from '../plan/code-plan.service';
import { CreateIdentifierJobDto, UpdateIdentifierJobDto } from './identifier-job.dto';
import { IdentifierJobEntity } from './identifier-job.entity';
import { IdentifierJobRepository } from './identifier-job.repository';

/**
 * `POST /items/identifier_job` validates everything a worker would find wrong (product, space,
 * SSCC settings), records the job as `new` and enqueues it. Generation itself is the worker's.
 */
@Injectable()
export class IdentifierJobWriter implements CollectionWriter {
  readonly collection = 'identifier_job';
  readonly payloads = { create: CreateIdentifierJobDto, update: UpdateIdentifierJobDto };

  constructor(
    @InjectRepository(IdentifierJobEntity) private readonly jobs: Repository<IdentifierJobEntity>,
    private readonly repository: IdentifierJobRepository,
    private readonly plans: CodePlanService,
    private readonly generation: CodeGenerationRepository,
    private readonly queue: JobQueue,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const job = await this.prepare(actor, input);
    try {
      await this.repository.insert(job);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await this.queue.nudge(JobName.GenerateIdentifiers, { identifierJobId: job.id });
    return job.id;
  }

  /**
   * Each job is checked on its own against the codes that exist now: jobs of one batch that only
   * together exceed a code space are accepted here, and the worker marks the one that finds no
   * room left `error` (as with two single jobs sent at once).
   */
  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    const jobs = await prepareEach(inputs, (input) => this.prepare(actor, input));
    try {
      await this.repository.insertMany(jobs);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await Promise.all(
      jobs.map((job) => this.queue.nudge(JobName.GenerateIdentifiers, { identifierJobId: job.id })),
    );
    return jobs.map((job) => job.id);
  }

  private async prepare(
    actor: Actor,
    input: Record<string, unknown>,
  ): Promise<IdentifierJobEntity> {
    const dto = validatePayload(this.payloads.create, input);
    const account = dto.account && actor.admin ? dto.account : actor.accountId;
    if (dto.account && dto.account !== account) {
      throw new InvalidPayloadError('"account" must be your own account.', { field: 'account' });
    }
    const job = this.jobs.create({
      id: randomUUID(),
      account,
      quantity: dto.quantity,
      type: dto.type,
      length: codeLength(dto.type, dto.length),
      // EPC serials are numeric: an EPC job that names no character set gets the numeric one.
      character_set:
        dto.epc_mode && input.character_set === undefined ? 'numeric' : dto.character_set,
      epc_mode: dto.epc_mode,
      product: dto.product ?? null,
      reference_id: dto.reference_id ?? null,
      sscc_start_serial: dto.sscc_start_serial,
      sscc_extension_digit: dto.sscc_extension_digit ?? null,
      sscc_company_prefix: dto.sscc_company_prefix ?? null,
      domain: dto.domain ?? null,
      status: 'new',
      quantity_created: 0,
      user_created: actor.userId,
    });
    await this.assertFeasible(job);
    return job;
  }

  /** Only the reference can change: everything else describes codes that may already exist. */
  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const { reference_id } = validatePayload(this.payloads.update, input);
    await this.owned(actor, id);
    await this.jobs.update({ id }, { reference_id, user_updated: actor.userId });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const job = await this.owned(actor, id);
    if (job.status === 'new' || job.status === 'in_progress') {
      throw new InvalidPayloadError(
        `identifier_job ${id} is ${job.status}; wait until it has finished.`,
      );
    }
    try {
      await this.jobs.delete({ id });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  private async assertFeasible(job: IdentifierJobEntity): Promise<void> {
    const plan = await this.plans.assertFeasible(job, job.quantity);
    if (plan.type === 'sscc') await this.assertSsccSpace(plan, job);
  }

  /**
   * Refuses an SSCC job that cannot fit in what is left of its serial reference space (from the
   * higher of its `sscc_start_serial` and the counter). Jobs running at the same time can still
   * exhaust it: the worker then marks the job `error`.
   */
  private async assertSsccSpace(plan: CodePlan, job: IdentifierJobEntity): Promise<void> {
    const prefix = plan.ssccCompanyPrefix as string;
    const extension = plan.ssccExtensionDigit as number;
    const next = await this.generation.ssccNextSerial(prefix, extension);
    const start = BigInt(job.sscc_start_serial);
    const first = next > start ? next : start;
    const capacity = ssccCapacity(plan);
    if (first + BigInt(job.quantity) > capacity) {
      const left = first < capacity ? capacity - first : 0n;
      throw new InvalidPayloadError(
        `Company prefix ${prefix} with extension digit ${extension} has ${capacity} SSCC serial references (0 to ${capacity - 1n}); from ${first} only ${left} are left, ${job.quantity} asked. Use another extension digit.`,
        { field: 'quantity' },
      );
    }
  }

  private async owned(actor: Actor, id: string): Promise<IdentifierJobEntity> {
    const job = await this.jobs.findOneBy(actor.admin ? { id } : { id, account: actor.accountId });
    if (!job) throw new ForbiddenError();
    return job;
  }
}
