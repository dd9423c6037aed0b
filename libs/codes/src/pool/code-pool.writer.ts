import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, prepareEach, validatePayload } from '@sid/shared/items';
import { insertRows, translateWriteError } from '@sid/shared/database';
import { JobName, JobQueue } from '@sid/shared/queue';
import { codeLength } from '../plan/code-plan';
import { CodePlanService } from '../plan/code-plan.service';
import { CreateCodePoolDto, UpdateCodePoolDto } from './code-pool.dto';
import { CodePoolEntity } from './code-pool.entity';

/**
 * `/items/code_pool`: pool policies. A policy is checked like the identifier job a refill would
 * be (product, code space, SSCC settings), and every change asks for a pool check at once rather
 * than at the next scheduled one.
 */
@Injectable()
export class CodePoolWriter implements CollectionWriter {
  readonly collection = 'code_pool';
  readonly payloads = { create: CreateCodePoolDto, update: UpdateCodePoolDto };

  constructor(
    @InjectRepository(CodePoolEntity) private readonly pools: Repository<CodePoolEntity>,
    private readonly plans: CodePlanService,
    private readonly queue: JobQueue,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const pool = await this.prepare(actor, input);
    try {
      await this.pools.insert(pool);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await this.queue.nudge(JobName.CheckPools, { codePoolId: pool.id });
    return pool.id;
  }

  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    const pools = await prepareEach(inputs, (input) => this.prepare(actor, input));
    try {
      await insertRows(this.pools.manager.connection, CodePoolEntity, pools);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await Promise.all(
      pools.map((pool) => this.queue.nudge(JobName.CheckPools, { codePoolId: pool.id })),
    );
    return pools.map((pool) => pool.id);
  }

  private async prepare(actor: Actor, input: Record<string, unknown>): Promise<CodePoolEntity> {
    const dto = validatePayload(this.payloads.create, input);
    const account = dto.account && actor.admin ? dto.account : actor.accountId;
    if (dto.account && dto.account !== account) {
      throw new InvalidPayloadError('"account" must be your own account.', { field: 'account' });
    }
    const pool = this.pools.create({
      id: randomUUID(),
      account,
      product: dto.product ?? null,
      code_type: dto.code_type,
      min_unassigned: dto.min_unassigned,
      refill_quantity: dto.refill_quantity,
      length: codeLength(dto.code_type, dto.length),
      character_set: dto.character_set ?? 'alphanumeric',
      sscc_company_prefix: dto.sscc_company_prefix ?? null,
      sscc_extension_digit: dto.sscc_extension_digit ?? null,
      user_created: actor.userId,
    });
    await this.assertFeasible(pool);
    return pool;
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const dto = validatePayload(this.payloads.update, input);
    const pool = await this.owned(actor, id);
    const given = Object.entries(dto).filter(([, value]) => value !== undefined);
    const changes: Partial<CodePoolEntity> = {
      ...Object.fromEntries(given),
      user_updated: actor.userId,
    };
    if (pool.code_type === 'sscc') delete changes.length;
    await this.assertFeasible({ ...pool, ...changes });
    try {
      await this.pools.update({ id }, changes);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await this.queue.nudge(JobName.CheckPools, { codePoolId: id });
  }

  /** Refill jobs already made stay, with their codes; they just no longer point at a pool. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.owned(actor, id);
    await this.pools.delete({ id });
  }

  private async assertFeasible(pool: CodePoolEntity): Promise<void> {
    await this.plans.assertFeasible(
      {
        account: pool.account,
        type: pool.code_type,
        length: pool.length,
        character_set: pool.character_set,
        product: pool.product,
        domain: null,
        sscc_company_prefix: pool.sscc_company_prefix,
        sscc_extension_digit: pool.sscc_extension_digit,
        epc_mode: false,
      },
      pool.refill_quantity,
    );
  }

  private async owned(actor: Actor, id: string): Promise<CodePoolEntity> {
    const pool = await this.pools.findOneBy(
      actor.admin ? { id } : { id, account: actor.accountId },
    );
    if (!pool) throw new ForbiddenError();
    return pool;
  }
}
