import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { hashToken } from './static-token';

/** Resolves a bearer token to the acting user. */
@Injectable()
export class AuthService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async authenticate(token: string): Promise<Actor> {
    const rows: { id: string; account: string; role: string }[] = await this.db.query(
      `SELECT id, account, role FROM app_user WHERE token_hash = $1 AND status = 'active'`,
      [hashToken(token)],
    );
    if (rows.length === 0) throw new InvalidCredentialsError('Invalid user credentials.');
    const [user] = rows;
    return { userId: user.id, accountId: user.account, admin: user.role === 'admin' };
  }
}
