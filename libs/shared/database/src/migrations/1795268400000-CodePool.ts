import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Code pools: per account, product and code type, how many unassigned codes should always be
 * waiting, and how to make more. A refill is an identifier job pointing back at its pool; at most
 * one refill per pool is pending at any time (a partial unique index, so even two checks running
 * at once cannot both start one). `code_pool_level` is what the API reads: each policy with its
 * live level and its latest refill job.
 */
export class CodePool1795268400000 implements MigrationInterface {
  name = 'CodePool1795268400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE code_pool (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        product text REFERENCES product (id) ON DELETE CASCADE,
        code_type text NOT NULL DEFAULT 'sgtin' CHECK (code_type IN ('sgtin', 'sscc', 'grai', 'short_code')),
        min_unassigned integer NOT NULL CHECK (min_unassigned > 0),
        refill_quantity integer NOT NULL CHECK (refill_quantity BETWEEN 1 AND 1000000),
        length integer NOT NULL DEFAULT 8 CHECK (length BETWEEN 1 AND 20),
        character_set text NOT NULL DEFAULT 'alphanumeric'
          CHECK (character_set IN ('alphanumeric', 'numeric', 'alphabetic', 'uppercase', 'hex', 'unambiguous')),
        sscc_company_prefix text CHECK (sscc_company_prefix ~ '^[0-9]{4,12}$'),
        sscc_extension_digit smallint CHECK (sscc_extension_digit BETWEEN 0 AND 9),
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz,
        CHECK (code_type IN ('sscc', 'short_code') OR product IS NOT NULL),
        CHECK (code_type <> 'sscc' OR (sscc_company_prefix IS NOT NULL AND sscc_extension_digit IS NOT NULL)),
        CONSTRAINT code_pool_one_per_codes UNIQUE NULLS NOT DISTINCT (account, product, code_type)
      );

      ALTER TABLE identifier_job ADD COLUMN code_pool uuid REFERENCES code_pool (id) ON DELETE SET NULL;
      CREATE INDEX identifier_job_code_pool_idx ON identifier_job (code_pool, date_created)
        WHERE code_pool IS NOT NULL;
      CREATE UNIQUE INDEX identifier_job_one_refill_per_pool ON identifier_job (code_pool)
        WHERE status IN ('new', 'in_progress');

      -- Two branches so that each count is a scan of the pool index (product, type) WHERE unassigned.
      CREATE VIEW code_pool_level AS
      SELECT p.id, p.account, p.product, p.code_type, p.min_unassigned, p.refill_quantity, p.length,
        p.character_set, p.sscc_company_prefix, p.sscc_extension_digit, p.user_created, p.date_created,
        p.user_updated, p.date_updated,
        CASE WHEN p.product IS NULL THEN (
          SELECT count(*) FROM unique_code u
          WHERE u.product IS NULL AND u.type = p.code_type AND u.status = 'unassigned' AND u.account = p.account)
        ELSE (
          SELECT count(*) FROM unique_code u
          WHERE u.product = p.product AND u.type = p.code_type AND u.status = 'unassigned' AND u.account = p.account)
        END::integer AS unassigned_count,
        (SELECT j.id FROM identifier_job j WHERE j.code_pool = p.id ORDER BY j.date_created DESC LIMIT 1) AS refill_job
      FROM code_pool p;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP VIEW code_pool_level;
      ALTER TABLE identifier_job DROP COLUMN code_pool;
      DROP TABLE code_pool;
    `);
  }
}
