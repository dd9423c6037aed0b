import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import {
  Actor,
  BatchUpdate,
  CollectionWriter,
  prepareEach,
  validatePayload,
} from '@sid/shared/items';
import { inPgTransaction, insertRows, translateWriteError } from '@sid/shared/database';
import { JobName, JobQueue } from '@sid/shared/queue';
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
import {
  CODE_LIFECYCLE,
  CodePlan,
  CodePlanService,
  PlanSettings,
  CreateUniqueCodeDto,
  IdentifierJobRepository,
  UniqueCodeEntity,
  UpdateUniqueCodeDto,
} from '@sid/codes';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { BatchReservation, ReservationRepository } from './reservation.repository';
import { CODE_BY_ID, CodeUpdateResult, OWN_CODE_BY_ID } from './unique-code-update.sql';

/** What checking a code looks up, remembered across the codes of one request. */
interface Lookups {
  plan(
    type: PlanSettings['type'],
    length: number,
    product: string | null,
  ): Promise<CodePlan | null>;
  makesCodesLike(job: string, type: string, product: string | null): Promise<boolean>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Codes, one or many at a time. Status moves forward one step at a time (unassigned → reserved →
 * assigned → encoded); anything else is refused with the code and both statuses named.
 */
@Injectable()
export class UniqueCodeWriter implements CollectionWriter {
  readonly collection = 'unique_code';
  readonly payloads = { create: CreateUniqueCodeDto, update: UpdateUniqueCodeDto };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly plans: CodePlanService,
    private readonly reservationRows: ReservationRepository,
    private readonly codes: CodeLifecycleRepository,
    private readonly queue: JobQueue,
    private readonly jobs: IdentifierJobRepository,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const row = await this.prepare(actor, input, this.lookups(actor));
    try {
      await this.db.getRepository(UniqueCodeEntity).insert(row);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return row.id;
  }

  /**
   * Codes registered by hand, many at once: each checked as a single one is (its product, its
   * check digit, its own job), then all inserted in one transaction. A code twice in the batch,
   * or one that exists already, is the database's unique violation: nothing is stored.
   */
  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    // One look-up per product and per job, not per code.
    const lookups = this.lookups(actor);
    const rows = await prepareEach(inputs, (input) => this.prepare(actor, input, lookups));
    try {
      await insertRows(this.db, UniqueCodeEntity, rows);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return rows.map((row) => row.id);
  }

  /** The plan (link host, GTIN) of a code and whether a job makes such codes, remembered. */
  private lookups(actor: Actor): Lookups {
    const plans = new Map<string, Promise<CodePlan | null>>();
    const jobs = new Map<string, Promise<boolean>>();
    const remembered = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
      let found = cache.get(key);
      if (!found) {
        found = load();
        cache.set(key, found);
      }
      return found;
    };
    return {
      plan: (type, length, product) =>
        remembered(plans, JSON.stringify([type, length, product]), () =>
          this.plans.planFor({
            account: actor.accountId,
            type,
            length,
            character_set: 'alphanumeric',
            product,
            domain: null,
            sscc_company_prefix: null,
            sscc_extension_digit: null,
            epc_mode: false,
          }),
        ),
      makesCodesLike: (job, type, product) =>
        remembered(jobs, JSON.stringify([job, type, product]), () =>
          this.jobs.makesCodesLike(job, actor.accountId, type, product),
        ),
    };
  }

  private async prepare(actor: Actor, input: Record<string, unknown>, lookups: Lookups) {
    const dto = validatePayload(this.payloads.create, input);
    const plan = await lookups.plan(dto.type, dto.code.length, dto.product ?? null);
    if (!plan)
      throw new InvalidPayloadError(`Product "${dto.product}" does not exist.`, {
        field: 'product',
      });
    const { code } = dto;
    let link: string;
    let epcJoinKey = dto.epc_join_key ?? null;
    switch (dto.type) {
      case 'sgtin':
        if (!plan.gtin)
          throw new InvalidPayloadError('An sgtin code needs a product.', { field: 'product' });
        gs1(() => assertAi21Serial(code));
        link = sgtinLink(plan.host, plan.gtin, code);
        epcJoinKey ??= sgtinEpcJoinKey(plan.gtin, code);
        break;
      case 'sscc':
        if (!/^[0-9]{18}$/.test(code) || !hasValidCheckDigit(code)) {
          throw new InvalidPayloadError(
            `"${code}" is not an SSCC (18 digits with a valid check digit).`,
            {
              field: 'code',
            },
          );
        }
        link = ssccLink(plan.host, code);
        break;
      case 'grai':
        if (!isValidGrai(code))
          throw new InvalidPayloadError(`"${code}" is not a GRAI.`, { field: 'code' });
        link = graiLink(plan.host, code);
        break;
      case 'short_code':
        link = gs1(() => shortCodeLink(plan.host, code));
        break;
    }
    if (dto.identifier_job) await this.assertOwnJob(lookups, dto.identifier_job, dto);
    return {
      id: randomUUID(),
      account: actor.accountId,
      code,
      type: dto.type,
      product: dto.product ?? null,
      identifier_job: dto.identifier_job ?? null,
      digital_link: dto.digital_link ?? link,
      epc_join_key: epcJoinKey,
      custom_id: dto.custom_id ?? null,
      status: 'unassigned' as const,
      user_created: actor.userId,
    };
  }

  /**
   * A code registered by hand may name the identifier job it belongs to, but only a job of the
   * caller's account making codes of the same type and product: a failing job discards and
   * counts its codes.
   */
  private async assertOwnJob(
    lookups: Lookups,
    job: string,
    code: { type: string; product?: string | null },
  ): Promise<void> {
    if (!(await lookups.makesCodesLike(job, code.type, code.product ?? null))) {
      throw new InvalidPayloadError(
        `Identifier job "${job}" does not exist or makes other codes (another type or product).`,
        { field: 'identifier_job' },
      );
    }
  }

  /** `PATCH /items/unique_code/<id>`: a batch of one, so it follows exactly the same rules. */
  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    if (!UUID.test(id)) throw new ForbiddenError();
    const query = actor.admin
      ? { sql: CODE_BY_ID, params: [id] }
      : { sql: OWN_CODE_BY_ID, params: [id, actor.accountId] };
    await this.updateMany(actor, [{ selection: { query, keys: [id] }, input }]);
  }

  /**
   * Moves many codes at once, set-based: each part is one UPDATE over its selection, all parts in
   * one transaction. If any code would move backwards or skip a step (or change hands), nothing
   * changes and the 400 names the first such code and both statuses. Codes that become reserved
   * count towards their reservation, which must be new or in_progress and have room for them; a
   * reservation they fill is exported.
   */
  async updateMany(actor: Actor, updates: BatchUpdate[]): Promise<string[]> {
    const parts = updates.map(({ selection, input }) => ({
      selection,
      dto: validatePayload(this.payloads.update, input),
    }));
    const named = parts.flatMap(({ dto }) => (dto.reservation ? [dto.reservation] : []));
    const { ids, full } = await inPgTransaction(this.db, async (client) => {
      const rows = await this.reservationRows.lockMany(
        client,
        [...new Set(named)],
        actor.admin ? null : actor.accountId,
      );
      const reservations = new Map(rows.map((row) => [row.id, { ...row, added: 0 }]));
      const changed: string[] = [];
      for (const { selection, dto } of parts) {
        const reservation = dto.reservation ? reservations.get(dto.reservation) : undefined;
        if (dto.reservation && !reservation) {
          throw new InvalidPayloadError(`Reservation "${dto.reservation}" does not exist.`, {
            field: 'reservation',
          });
        }
        const result = await this.codes.updateCodes(client, selection.query, {
          next: dto.status ?? null,
          reservation: dto.reservation ?? null,
          set_reservation: dto.reservation !== undefined,
          r_product: reservation?.product ?? null,
          r_type: reservation?.code_type ?? null,
          r_account: reservation?.account ?? null,
          set_custom_id: dto.custom_id !== undefined,
          custom_id: dto.custom_id ?? null,
          activation_status: dto.activation_status ?? null,
          set_blacklist_reason: dto.blacklist_reason !== undefined,
          blacklist_reason: dto.blacklist_reason ?? null,
          user: actor.userId,
        });
        if (result.offender) throw refusal(result.offender, dto);
        if (selection.keys && result.matched !== new Set(selection.keys).size)
          throw new ForbiddenError();
        if (reservation) reservation.added += result.reserved;
        // Not push(...ids): a batch of a few hundred thousand codes overflows the call stack.
        for (const id of result.ids) changed.push(id);
      }
      const full: string[] = [];
      for (const reservation of reservations.values()) {
        if (reservation.added === 0) continue;
        assertRoom(reservation);
        const after = await this.reservationRows.addReserved(
          client,
          reservation.id,
          reservation.added,
        );
        if (after.full) full.push(reservation.id);
      }
      return { ids: changed, full };
    });
    // A batch that moves many codes (a whole print run assigned) is a bulk write like a claim.
    await this.codes.afterCodesMoved(ids.length);
    for (const reservationId of full)
      await this.queue.nudge(JobName.ExportReservation, { reservationId });
    return ids;
  }

  /** Only a code still in the pool can be deleted: one handed out may be printed already. */
  async delete(actor: Actor, id: string): Promise<void> {
    const code = await this.db
      .getRepository(UniqueCodeEntity)
      .findOneBy(actor.admin ? { id } : { id, account: actor.accountId });
    if (!code) throw new ForbiddenError();
    if (code.status !== 'unassigned') {
      throw new InvalidPayloadError(`Code "${code.code}" is ${code.status} and cannot be deleted.`);
    }
    await this.db.getRepository(UniqueCodeEntity).delete({ id, status: 'unassigned' });
  }
}

function lifecycleError(code: string, from: string, to: string): InvalidPayloadError {
  return new InvalidPayloadError(
    `Code "${code}" cannot move from "${from}" to "${to}": a code moves forward one step at a time (${CODE_LIFECYCLE.join(' → ')}).`,
    { unique_code: code, from, to },
  );
}

function refusal(
  offender: NonNullable<CodeUpdateResult['offender']>,
  dto: UpdateUniqueCodeDto,
): InvalidPayloadError {
  const { code, status } = offender;
  switch (offender.problem) {
    case 'lifecycle':
      return lifecycleError(code, status, dto.status as string);
    case 'no_reservation':
      return new InvalidPayloadError(`Code "${code}" needs a "reservation" to become reserved.`, {
        field: 'reservation',
        unique_code: code,
      });
    case 'other_codes':
      return new InvalidPayloadError(
        `Reservation "${dto.reservation}" is for other codes than "${code}" (product, type or account differs).`,
        { field: 'reservation', unique_code: code },
      );
    case 'reservation_change':
      return new InvalidPayloadError(
        `The reservation of code "${code}" (${status}) changes only through the reservation itself.`,
        { field: 'reservation', unique_code: code },
      );
  }
}

function assertRoom(reservation: BatchReservation & { added: number }): void {
  const { id, status, quantity, quantity_reserved, added } = reservation;
  if (status !== 'new' && status !== 'in_progress') {
    throw new InvalidPayloadError(
      `Reservation "${id}" is ${status}: codes can only be added to a new or in_progress reservation.`,
      {
        field: 'reservation',
      },
    );
  }
  if (quantity_reserved + added > quantity) {
    throw new InvalidPayloadError(
      `Reservation "${id}" holds ${quantity_reserved} of its ${quantity} codes: ${added} more do not fit.`,
      { field: 'reservation' },
    );
  }
}
