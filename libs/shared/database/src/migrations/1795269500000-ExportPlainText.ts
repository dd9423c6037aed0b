import { MigrationInterface, QueryRunner } from 'typeorm';

/** Characters some export format escapes anywhere in a value (see libs/exports/src/formats). */
const ESCAPED_ANYWHERE = String.raw`E'[\\x01-\\x1f"\\\\&<>'',\\uFFFE\\uFFFF]'`;

/** First characters of a value that CSV escapes as a spreadsheet formula: = + - @ (TAB, CR above). */
const FORMULA_START = '(61, 43, 45, 64)';

const TEXT_COLUMNS = ['code', 'digital_link', 'epc_join_key', 'blacklist_reason'];

/**
 * `unique_code.plain_text`: true when none of the code's free-text values (code, digital_link,
 * epc_join_key, blacklist_reason) holds a character that a CSV, JSON or XML export escapes, and
 * none starts like a spreadsheet formula. An export then writes the row by plain concatenation
 * without testing it (see exportRowsCopy): the test costs about 0.5 s of PostgreSQL's time per
 * million rows, a sixth of a JSON or XML export, and is paid here once per write instead. Almost
 * every code is plain: generated codes come from the alphabets in character-sets.ts.
 *
 * A stored generated column, so no writer can get it wrong: PostgreSQL computes it on every
 * insert, COPY included, and again on an update of one of those four columns only (the claims'
 * updates of status and reservation leave it be). It costs an insert about the same 0.5 s per
 * million rows, under 1% of generation.
 *
 * Adding it rewrites unique_code under an exclusive lock: about 18 s per million codes on a
 * 2-core machine. Plan the upgrade of a large installation for a quiet moment.
 */
export class ExportPlainText1795269500000 implements MigrationInterface {
  name = 'ExportPlainText1795269500000';

  async up(q: QueryRunner): Promise<void> {
    const text = TEXT_COLUMNS.map((column) => `coalesce(${column}, '')`).join(' || ');
    const starts = TEXT_COLUMNS.map(
      (column) => `coalesce(ascii(${column}), 0) NOT IN ${FORMULA_START}`,
    ).join(' AND ');
    await q.query(`
      ALTER TABLE unique_code ADD COLUMN plain_text boolean NOT NULL
        GENERATED ALWAYS AS ((${text}) !~ ${ESCAPED_ANYWHERE} AND ${starts}) STORED
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE unique_code DROP COLUMN plain_text`);
  }
}
