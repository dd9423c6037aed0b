import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SSCC serial references are handed out from one counter per (company prefix, extension digit),
 * so that jobs never reuse one, even when they run at once. Identifier jobs created to fill a
 * reservation point back at it.
 */
export class CodeSequencesAndReservationJobs1795268000000 implements MigrationInterface {
  name = 'CodeSequencesAndReservationJobs1795268000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sscc_sequence (
        company_prefix text NOT NULL CHECK (company_prefix ~ '^[0-9]{4,12}$'),
        extension_digit smallint NOT NULL CHECK (extension_digit BETWEEN 0 AND 9),
        next_serial bigint NOT NULL CHECK (next_serial >= 0),
        PRIMARY KEY (company_prefix, extension_digit)
      );

      ALTER TABLE identifier_job
        ADD COLUMN code_reservation uuid REFERENCES code_reservation (id) ON DELETE SET NULL;
      CREATE INDEX identifier_job_code_reservation_idx ON identifier_job (code_reservation)
        WHERE code_reservation IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE identifier_job DROP COLUMN code_reservation;
      DROP TABLE sscc_sequence;
    `);
  }
}
