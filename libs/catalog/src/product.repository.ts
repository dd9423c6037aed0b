import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ACCOUNT_PRODUCT_KEYS, PRODUCT_GS1_KEYS, PRODUCT_IN_ACCOUNT } from './product.sql';

/** A product's GS1 keys, as code generation needs them. */
export interface ProductGs1Keys {
  gtin: string;
  company_prefix: string | null;
}

/** A product by each key a file of codes may name it with. */
export interface ProductKeys {
  id: string;
  gtin: string;
  custom_id: string | null;
}

/** The statements on `product` beyond the writer's TypeORM CRUD. */
@Injectable()
export class ProductRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The GTIN and company prefix of product `id` if it belongs to the account. */
  async gs1Keys(id: string, account: string): Promise<ProductGs1Keys | undefined> {
    const rows: ProductGs1Keys[] = await this.db.query(PRODUCT_GS1_KEYS, [id, account]);
    return rows[0];
  }

  /** Whether product `id` exists in the account (another account's is as good as none). */
  async exists(id: string, account: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(PRODUCT_IN_ACCOUNT, [id, account]);
    return rows.length > 0;
  }

  /** Every product of the account, with its keys. */
  async keysOfAccount(account: string): Promise<ProductKeys[]> {
    return this.db.query(ACCOUNT_PRODUCT_KEYS, [account]);
  }
}
