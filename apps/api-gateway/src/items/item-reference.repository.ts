import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CollectionDefinition } from '@sid/shared/items';
import { itemOfAccountSql } from './item-reference.sql';

/** Whether an id a partner writes into a reference names an item of the partner's own account. */
@Injectable()
export class ItemReferenceRepository {
  private readonly statements = new Map<string, string>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async belongsTo(
    definition: CollectionDefinition,
    id: string,
    accountId: string,
  ): Promise<boolean> {
    let sql = this.statements.get(definition.name);
    if (!sql) {
      sql = itemOfAccountSql(definition);
      this.statements.set(definition.name, sql);
    }
    const rows: unknown[] = await this.db.query(sql, [id, accountId]);
    return rows.length > 0;
  }
}
