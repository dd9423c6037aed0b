import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { asAnyScope } from '@sid/shared/database';
import {
  ACCOUNT_EXISTS,
  ACTIVE_USER_BY_ID,
  ACTIVE_USER_BY_TOKEN,
  INSERT_ACCOUNT,
  INSERT_USER,
  LOCK_BOOTSTRAP,
  RESET_ADMIN,
  SET_PASSWORD,
  UPDATE_USER_NAMES,
  USER_BY_EMAIL,
  USER_EXISTS,
  USER_FOR_LOGIN,
} from './account.sql';

/** Where a statement runs: the data source, or a transaction's manager (`transaction`). */
export type SqlRunner = Pick<EntityManager, 'query'>;

export interface NewUser {
  account: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: string;
  token_hash: string;
  /** argon2 hash of the user's password, or null for a static token only. */
  password_hash?: string | null;
  /** Scantrust API permission strings; null or left out: all of them. */
  permissions?: string[] | null;
}

export interface TokenUser {
  id: string;
  account: string;
  role: string;
  /** Scantrust API permission strings, or null for all of them. */
  permissions: string[] | null;
}

/**
 * The one door to `account` and `app_user`. Each method runs on `tx` when given (a transaction
 * from `transaction`), else on its own.
 */
@Injectable()
export class AccountRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async createAccount(name: string, tx: SqlRunner = this.db): Promise<string> {
    const [{ id }]: { id: string }[] = await tx.query(INSERT_ACCOUNT, [name]);
    return id;
  }

  async accountExists(id: string, tx: SqlRunner = this.db): Promise<boolean> {
    return (await tx.query(ACCOUNT_EXISTS, [id])).length > 0;
  }

  async createUser(user: NewUser, tx: SqlRunner = this.db): Promise<string> {
    const [{ id }]: { id: string }[] = await tx.query(INSERT_USER, [
      user.account,
      user.email,
      user.first_name,
      user.last_name,
      user.role,
      user.token_hash,
      user.permissions ?? null,
      user.password_hash ?? null,
    ]);
    return id;
  }

  async userExists(id: string): Promise<boolean> {
    return (await this.db.query(USER_EXISTS, [id])).length > 0;
  }

  /** Changes the names given (undefined keeps one, null clears it). */
  async updateUserNames(
    id: string,
    names: { first_name?: string | null; last_name?: string | null },
  ): Promise<void> {
    await this.db.query(UPDATE_USER_NAMES, [
      id,
      names.first_name !== undefined,
      names.first_name ?? null,
      names.last_name !== undefined,
      names.last_name ?? null,
    ]);
  }

  /** Sets (or, with null, removes) the user's argon2 password hash. */
  async setPassword(id: string, hash: string | null): Promise<void> {
    await this.db.query(SET_PASSWORD, [id, hash]);
  }

  /** The active user who signs in with `email`, with their password hash. */
  async findUserForLogin(
    email: string,
  ): Promise<{ id: string; password_hash: string | null } | undefined> {
    const rows: { id: string; password_hash: string | null }[] = await this.db.query(
      USER_FOR_LOGIN,
      [email],
    );
    return rows[0];
  }

  /** On any connection as it is (asAnyScope): authentication keeps a partner's connections set. */
  async findActiveUserById(id: string): Promise<TokenUser | undefined> {
    const rows: TokenUser[] = await asAnyScope(() => this.db.query(ACTIVE_USER_BY_ID, [id]));
    return rows[0];
  }

  async findUserByEmail(
    email: string,
    tx: SqlRunner = this.db,
  ): Promise<{ id: string; account: string } | undefined> {
    const rows: { id: string; account: string }[] = await tx.query(USER_BY_EMAIL, [email]);
    return rows[0];
  }

  /** As findActiveUserById, on any connection as it is. */
  async findActiveUserByTokenHash(tokenHash: string): Promise<TokenUser | undefined> {
    const rows: TokenUser[] = await asAnyScope(() =>
      this.db.query(ACTIVE_USER_BY_TOKEN, [tokenHash]),
    );
    return rows[0];
  }

  /** Makes the user an active admin with this token. */
  async resetAdmin(userId: string, tokenHash: string, tx: SqlRunner = this.db): Promise<void> {
    await tx.query(RESET_ADMIN, [userId, tokenHash]);
  }

  /** Serialises bootstraps across replicas until `tx` ends. */
  async lockBootstrap(tx: SqlRunner): Promise<void> {
    await tx.query(LOCK_BOOTSTRAP);
  }
}
