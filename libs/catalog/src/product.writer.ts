import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { normalizeGtin, productLink } from '@sid/identifiers';
import { Actor, CollectionWriter, prepareEach, validatePayload } from '@sid/shared/items';
import { insertRows, translateWriteError } from '@sid/shared/database';
import { CreateProductDto } from './create-product.dto';
import { DomainService } from './domain.service';
import { gs1 } from './gs1-payload';
import { ProductEntity } from './product.entity';
import { UpdateProductDto } from './update-product.dto';

/** Products: the id and the default digital link are derived from the GTIN. */
@Injectable()
export class ProductWriter implements CollectionWriter {
  readonly collection = 'product';
  readonly payloads = { create: CreateProductDto, update: UpdateProductDto };

  constructor(
    @InjectRepository(ProductEntity) private readonly products: Repository<ProductEntity>,
    private readonly domains: DomainService,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const row = await this.prepare(actor, input);
    try {
      await this.products.insert(row);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return row.id;
  }

  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    // One look-up of the link host per account, not per item.
    const hosts = new Map<string, Promise<string>>();
    const linkHost = (account: string): Promise<string> => {
      if (!hosts.has(account)) hosts.set(account, this.domains.linkHost(account));
      return hosts.get(account) as Promise<string>;
    };
    const rows = await prepareEach(inputs, (input) => this.prepare(actor, input, linkHost));
    try {
      await insertRows(this.products.manager.connection, ProductEntity, rows);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return rows.map((row) => row.id);
  }

  private async prepare(
    actor: Actor,
    input: Record<string, unknown>,
    linkHost = (account: string) => this.domains.linkHost(account),
  ) {
    const {
      gtin: rawGtin,
      id: givenId,
      account: givenAccount,
      ...fields
    } = validatePayload(this.payloads.create, input);
    const gtin = gs1(() => normalizeGtin(rawGtin));
    const id = `/01/${gtin}`;
    if (givenId !== undefined && givenId !== id) {
      throw new InvalidPayloadError(`"id" must be "${id}", the Digital Link path of the GTIN.`, {
        field: 'id',
      });
    }
    const account = givenAccount && actor.admin ? givenAccount : actor.accountId;
    const digital_link = fields.digital_link ?? productLink(await linkHost(account), gtin);
    return { ...fields, id, gtin, account, digital_link, user_created: actor.userId };
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const fields = validatePayload(this.payloads.update, input);
    await this.ownedOrForbidden(actor, id);
    try {
      await this.products.update({ id }, { ...fields, user_updated: actor.userId });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.ownedOrForbidden(actor, id);
    try {
      await this.products.delete({ id });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  private async ownedOrForbidden(actor: Actor, id: string): Promise<void> {
    const found = await this.products.exists({
      where: actor.admin ? { id } : { id, account: actor.accountId },
    });
    if (!found) throw new ForbiddenError();
  }
}
