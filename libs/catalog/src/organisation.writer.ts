import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Repository } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { hasValidCheckDigit } from '@sid/identifiers';
import {
  Actor,
  CollectionWriter,
  IsUuidLike,
  prepareEach,
  validatePayload,
} from '@sid/shared/items';
import { insertRows, translateWriteError } from '@sid/shared/database';
import { OrganisationEntity } from './organisation.entity';

export class UpdateOrganisationDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @Matches(/^[0-9]{4,12}$/, { message: 'must be a GS1 company prefix of 4 to 12 digits' })
  gs1_company_prefix?: string | null;
}

export class CreateOrganisationDto extends UpdateOrganisationDto {
  @Matches(/^\/417\/[0-9]{13}$/, { message: 'must be /417/ followed by a 13-digit GLN' })
  id!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @IsOptional()
  @IsUuidLike()
  account?: string;
}

/** Organisations are keyed by their GLN's Digital Link path, `/417/<gln>`. */
@Injectable()
export class OrganisationWriter implements CollectionWriter {
  readonly collection = 'organisation';
  readonly payloads = { create: CreateOrganisationDto, update: UpdateOrganisationDto };

  constructor(
    @InjectRepository(OrganisationEntity)
    private readonly organisations: Repository<OrganisationEntity>,
  ) {}

  async create(actor: Actor, input: Record<string, unknown>): Promise<string> {
    const row = this.prepare(actor, input);
    try {
      await this.organisations.insert(row);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return row.id;
  }

  async createMany(actor: Actor, inputs: Record<string, unknown>[]): Promise<string[]> {
    const rows = await prepareEach(inputs, async (input) => this.prepare(actor, input));
    try {
      await insertRows(this.organisations.manager.connection, OrganisationEntity, rows);
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
    return rows.map((row) => row.id);
  }

  private prepare(actor: Actor, input: Record<string, unknown>) {
    const { id, account, ...fields } = validatePayload(this.payloads.create, input);
    if (!hasValidCheckDigit(id.slice(5))) {
      throw new InvalidPayloadError(`GLN "${id.slice(5)}" has a wrong check digit.`, {
        field: 'id',
      });
    }
    return {
      ...fields,
      id,
      account: account && actor.admin ? account : actor.accountId,
      user_created: actor.userId,
    };
  }

  async update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void> {
    const fields = validatePayload(this.payloads.update, input);
    await this.ownedOrForbidden(actor, id);
    await this.organisations.update({ id }, { ...fields, user_updated: actor.userId });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.ownedOrForbidden(actor, id);
    try {
      await this.organisations.delete({ id });
    } catch (error) {
      throw translateWriteError(error, this.collection);
    }
  }

  private async ownedOrForbidden(actor: Actor, id: string): Promise<void> {
    const where = actor.admin ? { id } : { id, account: actor.accountId };
    if (!(await this.organisations.exists({ where }))) throw new ForbiddenError();
  }
}
