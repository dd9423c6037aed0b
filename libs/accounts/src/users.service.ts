import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, isUuidLike, validatePayload } from '@sid/shared/items';
import { translateWriteError } from '@sid/shared/database';
import { AccountRepository } from './account.repository';
import { CreateUserDto, UpdateUserDto } from './create-user.dto';
import { hashPassword } from './password';
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
  constructor(private readonly accounts: AccountRepository) {}

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
      return await this.accounts.transaction(async (tx) => {
        let account = dto.account;
        if (!account) {
          account = await this.accounts.createAccount(dto.account_name as string, tx);
        } else if (!(await this.accounts.accountExists(account, tx))) {
          throw new InvalidPayloadError(`Account "${account}" does not exist.`, {
            field: 'account',
          });
        }
        const id = await this.accounts.createUser(
          {
            account,
            email: dto.email,
            first_name: dto.first_name ?? null,
            last_name: dto.last_name ?? null,
            role: dto.role,
            token_hash: hashToken(token),
            password_hash: passwordHash,
            permissions: dto.permissions ?? null,
          },
          tx,
        );
        return {
          id,
          email: dto.email,
          role: dto.role,
          account,
          permissions: dto.permissions ?? [...SCANTRUST_PERMISSIONS],
          token,
        };
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
    if (!(await this.accounts.userExists(id))) throw new ForbiddenError();
    if (dto.first_name !== undefined || dto.last_name !== undefined) {
      await this.accounts.updateUserNames(id, {
        first_name: dto.first_name,
        last_name: dto.last_name,
      });
    }
    if (dto.password !== undefined) {
      await this.accounts.setPassword(
        id,
        dto.password === null ? null : await hashPassword(dto.password),
      );
    }
  }
}
