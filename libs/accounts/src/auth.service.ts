import { Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { AccountRepository } from './account.repository';
import {
  SCANTRUST_PERMISSIONS,
  ScantrustCaller,
  ScantrustPermission,
} from './scantrust-permissions';
import { looksLikeJwt, SessionService } from './session.service';
import { hashToken } from './static-token';

/** Resolves a bearer token (a static token, or a login's JWT access token) to the acting user. */
@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionService,
  ) {}

  async authenticate(token: string): Promise<Actor> {
    if (looksLikeJwt(token)) {
      // A static token chosen by an admin could be JWT-shaped: it is tried when no session is.
      try {
        return await this.sessions.authenticate(token);
      } catch (error) {
        const actor = await this.staticToken(token);
        if (actor) return actor;
        throw error;
      }
    }
    const actor = await this.staticToken(token);
    if (!actor) throw new InvalidCredentialsError('Invalid user credentials.');
    return actor;
  }

  private async staticToken(token: string): Promise<Actor | null> {
    const user = await this.accounts.findActiveUserByTokenHash(hashToken(token));
    if (!user) return null;
    return { userId: user.id, accountId: user.account, admin: user.role === 'admin' };
  }

  /**
   * A token of the Scantrust API: the actor and its permission strings (admins and users
   * without a list have them all).
   */
  async authenticateScantrust(token: string): Promise<ScantrustCaller> {
    const user = await this.accounts.findActiveUserByTokenHash(hashToken(token));
    if (!user) throw new InvalidCredentialsError('Invalid token.');
    const admin = user.role === 'admin';
    const granted = admin || user.permissions === null ? SCANTRUST_PERMISSIONS : user.permissions;
    return {
      userId: user.id,
      accountId: user.account,
      admin,
      permissions: new Set(granted as ScantrustPermission[]),
    };
  }
}
