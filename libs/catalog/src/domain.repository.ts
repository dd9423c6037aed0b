import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_HOST, ENSURE_DEFAULT_DOMAIN, HOST_OF_DOMAIN } from './domain.sql';

/**
 * The statements on `domain` beyond the writer's TypeORM CRUD: which host an account's links use,
 * and the default domain the bootstrap gives the admin's account.
 */
@Injectable()
export class DomainRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The host of domain `id` if it belongs to the account. */
  async hostOf(id: string, account: string): Promise<string | undefined> {
    const rows: { host: string }[] = await this.db.query(HOST_OF_DOMAIN, [id, account]);
    return rows[0]?.host;
  }

  async defaultHost(account: string): Promise<string | undefined> {
    const rows: { host: string }[] = await this.db.query(DEFAULT_HOST, [account]);
    return rows[0]?.host;
  }

  /** Gives the account a default domain at `host`, unless it has one or the host is taken. */
  async ensureDefault(
    account: string,
    host: string,
    tx: Pick<EntityManager, 'query'> = this.db,
  ): Promise<void> {
    await tx.query(ENSURE_DEFAULT_DOMAIN, [account, host]);
  }
}
