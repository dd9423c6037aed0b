import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Codes without a product (SSCCs, short codes) are claimed by type and account. The pool index
 * (product, type) cannot narrow those by account, so a claim scanned every account's unassigned
 * product-less codes, under FOR UPDATE SKIP LOCKED, on every batch.
 */
export class ProductlessPoolIndex1795268500000 implements MigrationInterface {
  name = 'ProductlessPoolIndex1795268500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX unique_code_productless_pool_idx ON unique_code (type, account)
        WHERE status = 'unassigned' AND product IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX unique_code_productless_pool_idx`);
  }
}
