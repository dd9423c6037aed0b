import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { looksLikeJwt, SessionService } from './session.service';
import { hashToken } from './static-token';

/** Resolves a bearer token (a static token, or a login's JWT access token) to the acting user. */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    const rows: { id: string; account: string; role: string }[] = await this.db.query(
      `SELECT id, account, role FROM app_user WHERE token_hash = $1 AND status = 'active'`,
      [hashToken(token)],
    );
    if (rows.length === 0) return null;
    const [user] = rows;
    return { userId: user.id, accountId: user.account, admin: user.role === 'admin' };
  }
}
