import { Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { AccountRepository } from './account.repository';
import { hashToken } from './static-token';

/** Resolves a bearer token to the acting user. */
@Injectable()
export class AuthService {
  constructor(private readonly accounts: AccountRepository) {}

  async authenticate(token: string): Promise<Actor> {
    const user = await this.accounts.findActiveUserByTokenHash(hashToken(token));
    if (!user) throw new InvalidCredentialsError('Invalid user credentials.');
    return { userId: user.id, accountId: user.account, admin: user.role === 'admin' };
  }
}
