import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPgTransaction } from '@sid/shared/database';
import { INSERT_SESSION, LOCK_SESSION, REVOKE_FAMILY, ROTATE_SESSION } from './session.sql';

export interface LockedSession {
  id: string;
  family: string;
  user_id: string;
  rotated_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}

/** The one door to `user_session`: login sessions' refresh tokens, their rotation and revocation. */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    family: string,
    userId: string,
    tokenHash: string,
    ttlSeconds: number,
    client?: PoolClient,
  ): Promise<void> {
    const params = [family, userId, tokenHash, ttlSeconds];
    if (client) await client.query(INSERT_SESSION, params);
    else await this.db.query(INSERT_SESSION, params);
  }

  /** Runs `work` with the session of `tokenHash` locked (null when there is none), in one transaction. */
  withLockedSession<T>(
    tokenHash: string,
    work: (session: LockedSession | null, client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return inPgTransaction(this.db, async (client) => {
      const { rows } = await client.query<LockedSession>(LOCK_SESSION, [tokenHash]);
      return work(rows[0] ?? null, client);
    });
  }

  async rotate(sessionId: string, client: PoolClient): Promise<void> {
    await client.query(ROTATE_SESSION, [sessionId]);
  }

  async revokeFamily(family: string, client?: PoolClient): Promise<void> {
    if (client) await client.query(REVOKE_FAMILY, [family]);
    else await this.db.query(REVOKE_FAMILY, [family]);
  }
}
