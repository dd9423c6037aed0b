import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PRODUCT_GS1_KEYS } from './product.sql';

/** A product's GS1 keys, as code generation needs them. */
export interface ProductGs1Keys {
  gtin: string;
  company_prefix: string | null;
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
}
