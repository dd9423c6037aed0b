import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index for every lookup a scanner or partner makes on unique_code (a partner's queries also
 * carry its account, which these narrow to a row or a page before it is checked):
 * - `code` alone: the unique key (product, type, code) cannot serve `code = $1` without the product;
 * - `digital_link` (a scanned QR or DataMatrix), hashed: equality is all a scan asks, and a hash
 *   entry is a 4-byte hash whatever the link's length;
 * - `epc_hex`, `epc_uri` (RFID) and `custom_id`: partial, so codes without them cost nothing;
 * - `identifier_job` with `status`, then `id`: one index serves the job's codes, those of one
 *   status, their exact count and the page in key order (ORDER BY id LIMIT); it replaces the index
 *   on `identifier_job` alone, which the foreign key's checks also find here. It carries `account`
 *   so that a partner's count (which also tests the account) is index-only too;
 * - `product` with `status`, then `id`, carrying `account`: the same for a product's codes;
 * - `account` with `id`: a partner's plain page of codes and its total_count (an admin's walk the
 *   primary key).
 * `reservation` already has (reservation, id). The set was chosen by measuring a 1,000,000-code
 * job with and without each index (see the note).
 *
 * CONCURRENTLY, outside a transaction: unique_code holds millions of rows in production, and a
 * plain CREATE INDEX would block every write for as long as it builds. A build cut short leaves an
 * invalid index behind, so each is dropped first: running the migration again starts it afresh.
 */
const INDEXES: [name: string, definition: string][] = [
  ['unique_code_code_idx', '(code)'],
  ['unique_code_digital_link_idx', 'USING hash (digital_link)'],
  ['unique_code_epc_hex_idx', '(epc_hex) WHERE epc_hex IS NOT NULL'],
  ['unique_code_epc_uri_idx', '(epc_uri) WHERE epc_uri IS NOT NULL'],
  ['unique_code_custom_id_idx', '(custom_id) WHERE custom_id IS NOT NULL'],
  ['unique_code_identifier_job_status_idx', '(identifier_job, status, id) INCLUDE (account)'],
  ['unique_code_product_status_idx', '(product, status, id) INCLUDE (account)'],
  ['unique_code_account_idx', '(account, id)'],
];

export class LookupIndexes1795268850000 implements MigrationInterface {
  name = 'LookupIndexes1795268850000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES) {
      await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await q.query(`CREATE INDEX CONCURRENTLY ${name} ON unique_code ${definition}`);
    }
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS unique_code_identifier_job_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS unique_code_identifier_job_idx`);
    await q.query(
      `CREATE INDEX CONCURRENTLY unique_code_identifier_job_idx ON unique_code (identifier_job)`,
    );
    for (const [name] of [...INDEXES].reverse()) {
      await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    }
  }
}
