import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, validatePayload } from '@sid/shared/items';
import { translateWriteError } from '@sid/shared/database';
import { CreateUserDto } from './create-user.dto';
import { SCANTRUST_PERMISSIONS } from './scantrust-permissions';
import { hashToken, newToken } from './static-token';

export interface CreatedUser {
  id: string;
  email: string;
  role: string;
  account: string;
  /** Scantrust API permission strings (all of them unless the admin chose). */
  permissions: string[];
  /** The static token, in clear this once; only its hash is stored. */
  token: string;
}

/** Admins create users (and tenants): the way partners get their own tokens. */
@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(actor: Actor, input: unknown): Promise<CreatedUser> {
    if (!actor.admin) throw new ForbiddenError();
    const dto = validatePayload(CreateUserDto, input);
    if (!dto.account && !dto.account_name) {
      throw new InvalidPayloadError(
        'Give "account" (an existing account) or "account_name" (a new one).',
      );
    }
    const token = dto.token ?? newToken();
    try {
      return await this.db.transaction(async (tx) => {
        let account = dto.account;
        if (!account) {
          [{ id: account }] = await tx.query(
            `INSERT INTO account (name) VALUES ($1) RETURNING id`,
            [dto.account_name],
          );
        } else if (
          (await tx.query(`SELECT 1 FROM account WHERE id = $1`, [account])).length === 0
        ) {
          throw new InvalidPayloadError(`Account "${account}" does not exist.`, {
            field: 'account',
          });
        }
        const [{ id }] = await tx.query(
          `INSERT INTO app_user (account, email, first_name, last_name, role, token_hash, permissions)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [
            account,
            dto.email,
            dto.first_name ?? null,
            dto.last_name ?? null,
            dto.role,
            hashToken(token),
            dto.permissions ?? null,
          ],
        );
        return {
          id,
          email: dto.email,
          role: dto.role,
          account: account as string,
          permissions: dto.permissions ?? [...SCANTRUST_PERMISSIONS],
          token,
        };
      });
    } catch (error) {
      throw translateWriteError(error, 'users');
    }
  }
}
