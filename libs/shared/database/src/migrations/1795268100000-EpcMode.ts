import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EPC mode for RFID: a job may ask for SGTIN-96 compatible serials (numeric, no leading zero,
 * below 2^38, so at most 12 digits), and each of its codes then carries its EPC pure-identity URI
 * and its SGTIN-96 encoding in hex.
 */
export class EpcMode1795268100000 implements MigrationInterface {
  name = 'EpcMode1795268100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE identifier_job
        ADD COLUMN epc_mode boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT identifier_job_epc_mode_check
          CHECK (NOT epc_mode OR (type = 'sgtin' AND character_set = 'numeric' AND length <= 12));

      ALTER TABLE unique_code
        ADD COLUMN epc_uri text CHECK (epc_uri ~ '^urn:epc:id:[a-z0-9]+:'),
        ADD COLUMN epc_hex text CHECK (epc_hex ~ '^([0-9A-F]{2})+$');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unique_code DROP COLUMN epc_hex, DROP COLUMN epc_uri;
      ALTER TABLE identifier_job DROP COLUMN epc_mode;
    `);
  }
}
