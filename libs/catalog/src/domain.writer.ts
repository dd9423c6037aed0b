import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter, prepareEach, validatePayload } from '@sid/shared/items';
import { insertRowsIn, translateWriteError } from '@sid/shared/database';
import { DomainEntity } from './domain.entity';

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

export class UpdateDomainDto {
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class CreateDomainDto extends UpdateDomainDto {
  @Matches(HOST, {
    message: 'must be a lower-case host name such as id.brand.com (no scheme, no path)',
  })
  host!: string;
}

/** Link domains; making one the default unsets the account's previous default in one step. */
@Injectable()
export class DomainWriter implements CollectionWriter {
  readonly collection = 'domain';
  readonly payloads = { create: CreateDomainDto, update: UpdateDomainDto };

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const { host, is_default = false } = validatePayload(this.payloads.create, input);
    try {
      return await this.db.transaction(async (tx) => {
        if (is_default)
          await tx.update(DomainEntity, { account: actor.accountId }, { is_default: false });
        const result = await tx.insert(DomainEntity, {
          host,
          is_default,
          account: actor.accountId,
          user_created: actor.userId,
        });
        return result.identifiers[0].id as string;
      });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  /**
   * Every domain of the batch in one transaction. At most one of them may be the default (two
   * would contradict each other); if one is, the account's previous default is unset first, in
   * the same transaction, so a batch that fails (a host taken) leaves the old default in place.
   */
  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    let defaultItem: number | undefined;
    const rows = await prepareEach(inputs, async (input, index) => {
      const { host, is_default = false } = validatePayload(this.payloads.create, input);
      if (is_default) {
        if (defaultItem !== undefined) {
          throw new InvalidPayloadError(
            `Only one domain of a batch can be the default: item ${defaultItem} already is.`,
            { field: 'is_default' },
          );
        }
        defaultItem = index;
      }
      return {
        id: randomUUID(),
        host,
        is_default,
        account: actor.accountId,
        user_created: actor.userId,
      };
    });
    try {
      await this.db.transaction(async (tx) => {
        if (defaultItem !== undefined)
          await tx.update(DomainEntity, { account: actor.accountId }, { is_default: false });
        await insertRowsIn(tx, DomainEntity, rows);
      });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return rows.map((row) => row.id);
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const { is_default } = validatePayload(this.payloads.update, input);
    const domain = await this.owned(actor, id);
    await this.db.transaction(async (tx) => {
      if (is_default)
        await tx.update(DomainEntity, { account: domain.account }, { is_default: false });
      await tx.update(DomainEntity, { id }, { is_default, user_updated: actor.userId });
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.owned(actor, id);
    try {
      await this.db.getRepository(DomainEntity).delete({ id });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  private async owned(actor: Actor, id: string): Promise<DomainEntity> {
    const where = actor.admin ? { id } : { id, account: actor.accountId };
    const domain = await this.db.getRepository(DomainEntity).findOne({ where });
    if (!domain) throw new ForbiddenError();
    return domain;
  }
}
