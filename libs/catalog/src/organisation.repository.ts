import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ORGANISATION_IN_ACCOUNT } from './organisation.sql';

/** The statements on `organisation` beyond the writer's TypeORM CRUD. */
@Injectable()
export class OrganisationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Whether organisation `id` exists in the account (another account's is as good as none). */
  async exists(id: string, account: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(ORGANISATION_IN_ACCOUNT, [id, account]);
    return rows.length > 0;
  }
}
