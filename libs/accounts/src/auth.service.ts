import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import {
  SCANTRUST_PERMISSIONS,
  ScantrustCaller,
  ScantrustPermission,
} from './scantrust-permissions';
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

  /**
   * A token of the Scantrust API: the actor and its permission strings (admins and users
   * without a list have them all).
   */
  async authenticateScantrust(token: string): Promise<ScantrustCaller> {
    const rows: { id: string; account: string; role: string; permissions: string[] | null }[] =
      await this.db.query(
        `SELECT id, account, role, permissions FROM app_user
         WHERE token_hash = $1 AND status = 'active'`,
        [hashToken(token)],
      );
    if (rows.length === 0) throw new InvalidCredentialsError('Invalid token.');
    const [user] = rows;
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
