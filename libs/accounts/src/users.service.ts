import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, isUuidLike, validatePayload } from '@sid/shared/items';
import { translateWriteError } from '@sid/shared/database';
import { CreateUserDto, UpdateUserDto } from './create-user.dto';
import { hashPassword } from './password';
import { SessionRepository } from './session.repository';
import { hashToken, newToken } from './static-token';

export interface CreatedUser {
  id: string;
  email: string;
  role: string;
  account: string;
  /** The static token, in clear this once; only its hash is stored. */
  token: string;
}

/** Admins create users (and tenants): the way partners get their own tokens. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionRepository,
  ) {}

  async create(actor: Actor, input: unknown): Promise<CreatedUser> {
    if (!actor.admin) throw new ForbiddenError();
    const dto = validatePayload(CreateUserDto, input);
    if (!dto.account && !dto.account_name) {
      throw new InvalidPayloadError(
        'Give "account" (an existing account) or "account_name" (a new one).',
      );
    }
    const token = dto.token ?? newToken();
    const passwordHash = dto.password === undefined ? null : await hashPassword(dto.password);
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
          `INSERT INTO app_user (account, email, first_name, last_name, role, token_hash, password_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [
            account,
            dto.email,
            dto.first_name ?? null,
            dto.last_name ?? null,
            dto.role,
            hashToken(token),
            passwordHash,
          ],
        );
        return { id, email: dto.email, role: dto.role, account: account as string, token };
      });
    } catch (error) {
      throw translateWriteError(error, 'users');
    }
  }

  /** Admins change any user; a user changes themself. The password is stored hashed only. */
  async update(actor: Actor, id: string, input: unknown): Promise<void> {
    if (!actor.admin && id !== actor.userId) throw new ForbiddenError();
    const dto = validatePayload(UpdateUserDto, input);
    if (!isUuidLike(id)) throw new ForbiddenError();
    const exists = await this.db.query(`SELECT 1 FROM app_user WHERE id = $1`, [id]);
    if (exists.length === 0) throw new ForbiddenError();
    const names = Object.entries({ first_name: dto.first_name, last_name: dto.last_name }).filter(
      ([, value]) => value !== undefined,
    );
    if (names.length > 0) {
      await this.db.query(
        `UPDATE app_user SET ${names.map(([name], i) => `${name} = $${i + 2}`).join(', ')},
           date_updated = now() WHERE id = $1`,
        [id, ...names.map(([, value]) => value)],
      );
    }
    if (dto.password !== undefined) {
      await this.sessions.setPassword(
        id,
        dto.password === null ? null : await hashPassword(dto.password),
      );
    }
  }
}
