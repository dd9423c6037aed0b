import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, validatePayload } from '@sid/shared/items';
import { translateWriteError } from '@sid/shared/database';
import {
  assertAi21Serial,
  isValidGrai,
  sgtinEpcJoinKey,
  graiLink,
  sgtinLink,
  shortCodeLink,
  ssccLink,
  hasValidCheckDigit,
} from '@sid/identifiers';
import { gs1 } from '@sid/catalog';
import { CodePlanService } from './code-plan.service';
import { CreateUniqueCodeDto, UpdateUniqueCodeDto } from './unique-code.dto';
import { CODE_LIFECYCLE, UniqueCodeEntity, UniqueCodeStatus } from './unique-code.entity';

/**
 * Single codes. Status moves forward one step at a time (unassigned → reserved → assigned →
 * encoded); anything else is refused with both statuses named.
 */
@Injectable()
export class UniqueCodeWriter implements CollectionWriter {
  readonly collection = 'unique_code';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly plans: CodePlanService,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const dto = validatePayload(CreateUniqueCodeDto, input);
    const plan = await this.plans.planFor({
      account: actor.accountId,
      type: dto.type,
      length: dto.code.length,
      character_set: 'alphanumeric',
      product: dto.product ?? null,
      domain: null,
      sscc_company_prefix: null,
      sscc_extension_digit: null,
      epc_mode: false,
    });
    if (!plan) throw new InvalidPayloadError(`Product "${dto.product}" does not exist.`, { field: 'product' });
    const { code } = dto;
    let link: string;
    let epcJoinKey = dto.epc_join_key ?? null;
    switch (dto.type) {
      case 'sgtin':
        if (!plan.gtin) throw new InvalidPayloadError('An sgtin code needs a product.', { field: 'product' });
        gs1(() => assertAi21Serial(code));
        link = sgtinLink(plan.host, plan.gtin, code);
        epcJoinKey ??= sgtinEpcJoinKey(plan.gtin, code);
        break;
      case 'sscc':
        if (!/^[0-9]{18}$/.test(code) || !hasValidCheckDigit(code)) {
          throw new InvalidPayloadError(`"${code}" is not an SSCC (18 digits with a valid check digit).`, {
            field: 'code',
          });
        }
        link = ssccLink(plan.host, code);
        break;
      case 'grai':
        if (!isValidGrai(code)) throw new InvalidPayloadError(`"${code}" is not a GRAI.`, { field: 'code' });
        link = graiLink(plan.host, code);
        break;
      case 'short_code':
        link = shortCodeLink(plan.host, code);
        break;
    }
    try {
      const result = await this.db.getRepository(UniqueCodeEntity).insert({
        account: actor.accountId,
        code,
        type: dto.type,
        product: dto.product ?? null,
        identifier_job: dto.identifier_job ?? null,
        digital_link: dto.digital_link ?? link,
        epc_join_key: epcJoinKey,
        custom_id: dto.custom_id ?? null,
        status: 'unassigned',
        user_created: actor.userId,
      });
      return result.identifiers[0].id as string;
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const dto = validatePayload(UpdateUniqueCodeDto, input);
    await this.db.transaction(async (tx) => {
      const code = await tx.getRepository(UniqueCodeEntity).findOne({
        where: actor.admin ? { id } : { id, account: actor.accountId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!code) throw new ForbiddenError();
      const changes: Partial<UniqueCodeEntity> = { user_updated: actor.userId };
      if (dto.custom_id !== undefined) changes.custom_id = dto.custom_id;
      if (dto.status !== undefined && dto.status !== code.status) {
        assertForward(code, dto.status);
        changes.status = dto.status;
        if (dto.status === 'reserved') {
          if (!dto.reservation) {
            throw new InvalidPayloadError(`Code "${code.code}" needs a "reservation" to become reserved.`, {
              field: 'reservation',
            });
          }
          await this.assertReservation(tx, actor, dto.reservation, code);
          changes.reservation = dto.reservation;
        }
      } else if (dto.reservation !== undefined && dto.reservation !== code.reservation) {
        throw new InvalidPayloadError(
          `The reservation of code "${code.code}" changes only through the reservation itself.`,
          { field: 'reservation' },
        );
      }
      await tx.getRepository(UniqueCodeEntity).update({ id }, changes);
    });
  }

  /** Only a code still in the pool can be deleted: one handed out may be printed already. */
  async delete(actor: Actor, id: string): Promise<void> {
    const code = await this.db.getRepository(UniqueCodeEntity).findOneBy(
      actor.admin ? { id } : { id, account: actor.accountId },
    );
    if (!code) throw new ForbiddenError();
    if (code.status !== 'unassigned') {
      throw new InvalidPayloadError(`Code "${code.code}" is ${code.status} and cannot be deleted.`);
    }
    await this.db.getRepository(UniqueCodeEntity).delete({ id, status: 'unassigned' });
  }

  private async assertReservation(
    tx: import('typeorm').EntityManager,
    actor: Actor,
    reservation: string,
    code: UniqueCodeEntity,
  ): Promise<void> {
    const rows: { product: string | null; code_type: string }[] = await tx.query(
      `SELECT product, code_type FROM code_reservation WHERE id = $1 AND account = $2`,
      [reservation, code.account],
    );
    if (rows.length === 0) throw new InvalidPayloadError(`Reservation "${reservation}" does not exist.`);
    if (rows[0].product !== code.product || rows[0].code_type !== code.type) {
      throw new InvalidPayloadError(`Reservation "${reservation}" is for other codes (product or type differs).`);
    }
    void actor;
  }
}

export function assertForward(code: Pick<UniqueCodeEntity, 'code' | 'status'>, next: UniqueCodeStatus): void {
  const from = CODE_LIFECYCLE.indexOf(code.status);
  const to = CODE_LIFECYCLE.indexOf(next);
  if (to !== from + 1) {
    throw new InvalidPayloadError(
      `Code "${code.code}" cannot move from "${code.status}" to "${next}": a code moves forward one step at a time (${CODE_LIFECYCLE.join(' → ')}).`,
      { code: code.code, from: code.status, to: next },
    );
  }
}
