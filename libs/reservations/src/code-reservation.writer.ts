import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrganisationRepository, ProductRepository } from '@sid/catalog';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, prepareEach, validatePayload } from '@sid/shared/items';
import { inPgTransaction, insertRows, translateWriteError } from '@sid/shared/database';
import { JobName, JobQueue } from '@sid/shared/queue';
import { CreateCodeReservationDto, UpdateCodeReservationDto } from './code-reservation.dto';
import { CodeReservationEntity } from './code-reservation.entity';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { ReservationRepository } from './reservation.repository';

/**
 * `POST /items/code_reservation` records the reservation as `new` and enqueues its claim.
 * Cancelling (PATCH status `cancelled`, or DELETE) gives back the codes not yet assigned or
 * encoded; a reservation that still holds used codes stays, `cancelled`, so they keep their owner.
 * A complete reservation (its codes exported) cannot be cancelled.
 */
@Injectable()
export class CodeReservationWriter implements CollectionWriter {
  readonly collection = 'code_reservation';
  readonly payloads = { create: CreateCodeReservationDto, update: UpdateCodeReservationDto };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reservations: ReservationRepository,
    private readonly codes: CodeLifecycleRepository,
    private readonly queue: JobQueue,
    private readonly products: ProductRepository,
    private readonly organisations: OrganisationRepository,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const row = await this.prepare(actor, input);
    try {
      await this.db.getRepository(CodeReservationEntity).insert(row);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await this.queue.nudge(JobName.ClaimCodes, { reservationId: row.id });
    return row.id;
  }

  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    const rows = await prepareEach(inputs, (input) => this.prepare(actor, input));
    try {
      await insertRows(this.db, CodeReservationEntity, rows);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    await Promise.all(
      rows.map((row) => this.queue.nudge(JobName.ClaimCodes, { reservationId: row.id })),
    );
    return rows.map((row) => row.id);
  }

  private async prepare(actor: Actor, input: Record<string, unknown>) {
    const dto = validatePayload(this.payloads.create, input);
    const account = dto.account && actor.admin ? dto.account : actor.accountId;
    if ((dto.code_type === 'sgtin' || dto.code_type === 'grai') && !dto.product) {
      throw new InvalidPayloadError(`A reservation of ${dto.code_type} codes needs a product.`, {
        field: 'product',
      });
    }
    if (dto.product) await this.assertExists(account, 'product', dto.product, 'product');
    if (dto.reserved_for)
      await this.assertExists(account, 'organisation', dto.reserved_for, 'reserved_for');
    return {
      id: randomUUID(),
      account,
      quantity: dto.quantity,
      code_type: dto.code_type,
      product: dto.product ?? null,
      reserved_for: dto.reserved_for ?? null,
      export_type: dto.export_type,
      url_suffix: dto.url_suffix ?? null,
      reference_id: dto.reference_id ?? null,
      purchase_order: dto.purchase_order ?? null,
      status: 'new' as const,
      quantity_reserved: 0,
      user_created: actor.userId,
    };
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const { status, ...fields } = validatePayload(this.payloads.update, input);
    await this.owned(actor, id);
    if (Object.keys(fields).length > 0) {
      await this.db
        .getRepository(CodeReservationEntity)
        .update({ id }, { ...fields, user_updated: actor.userId });
    }
    if (status === 'cancelled') await this.cancel(actor, id);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.owned(actor, id);
    await this.cancel(actor, id);
    await this.reservations.deleteIfEmpty(id);
  }

  /**
   * Releases the unused codes and marks the reservation cancelled, under its row lock. A complete
   * reservation is refused: its codes left the platform in its export file, and a code that did
   * must never go back to the pool (another reservation would print it again).
   */
  private async cancel(actor: Actor, id: string): Promise<void> {
    const released = await inPgTransaction(this.db, async (client) => {
      const locked = await this.reservations.lock(client, id);
      if (locked?.status === 'complete') {
        throw new InvalidPayloadError(
          `Reservation "${id}" is complete: its codes were exported and cannot be given back. Move them along their life cycle instead.`,
          { field: 'status' },
        );
      }
      const count = await this.codes.releaseReserved(client, id);
      await this.reservations.setFinalStatus(client, id, 'cancelled', null, actor.userId);
      return count;
    });
    // A large cancel puts many codes back in the pool: the planner learns it at once.
    await this.codes.afterCodesMoved(released);
  }

  private async assertExists(
    account: string,
    table: 'product' | 'organisation',
    key: string,
    field: string,
  ) {
    const exists =
      table === 'product'
        ? await this.products.exists(key, account)
        : await this.organisations.exists(key, account);
    if (!exists) {
      throw new InvalidPayloadError(
        `${table === 'product' ? 'Product' : 'Organisation'} "${key}" does not exist.`,
        { field },
      );
    }
  }

  private async owned(actor: Actor, id: string): Promise<CodeReservationEntity> {
    const reservation = await this.db
      .getRepository(CodeReservationEntity)
      .findOneBy(actor.admin ? { id } : { id, account: actor.accountId });
    if (!reservation) throw new ForbiddenError();
    return reservation;
  }
}
