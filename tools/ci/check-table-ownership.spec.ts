// The ownership check of tools/ci/check-table-ownership.js on snippets: the SQL that wrote other
// libs' tables before each table had one owner is refused (file and line named), the same
// statements in their owner's repository pass, and reads or foreign-key locks are left alone.

interface Checker {
  checkTree(): { count: number; problems: string[] };
  findViolations(files: { path: string; text: string }[]): string[];
  unownedTables(migrations: string[]): string[];
  isCheckedFile(path: string): boolean;
  projectOf(path: string): string | null;
}

export {}; // a module: its names stay its own

const checker = jest.requireActual<Checker>('./check-table-ownership');

// Verbatim from the tree before the move (libs/exports/src/export.sql.ts and
// libs/codes/src/unique-code-update.sql.ts): code_reservation written from exports and codes.
const EXPORT_SQL = `import { escapeLiteral } from 'pg';

/** The reservation an export is for, with what the file's rows and name need. */
export const READ_RESERVATION = \`
  SELECT id, account, status FROM code_reservation
  WHERE id = $1\`;

export const LOCK_RESERVATION_FOR_FILE = \`
  SELECT status, quantity, export_file FROM code_reservation WHERE id = $1 FOR UPDATE\`;

export const INSERT_FILE = \`
  INSERT INTO file (id, account, storage) VALUES ($1, $2, 's3')\`;

export const COMPLETE_RESERVATION = \`
  UPDATE code_reservation SET export_file = $2, status = 'complete', error_message = NULL, date_updated = now()
  WHERE id = $1\`;
`;

const UNIQUE_CODE_UPDATE_SQL = `
const UPDATE_CODES = \`
  WITH target AS MATERIALIZED (
    SELECT u.id, u.code FROM unique_code u
    WHERE u.id IN (%SELECTION%)
    ORDER BY u.id
    FOR UPDATE OF u
  )
  UPDATE unique_code u SET status = 'reserved' FROM target t WHERE u.id = t.id\`;

/** The reservations named by a batch, locked in key order before any code (as claims do). */
export const LOCK_RESERVATIONS = \`
  SELECT id, account, product, code_type, status, quantity, quantity_reserved
  FROM code_reservation
  WHERE id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR account = $2)
  ORDER BY id
  FOR UPDATE\`;

export const ADD_TO_RESERVATION = \`
  UPDATE code_reservation
  SET quantity_reserved = quantity_reserved + $2, status = 'in_progress', date_updated = now()
  WHERE id = $1
  RETURNING quantity_reserved = quantity AS full\`;
`;

// libs/reservations/src/reservation.sql.ts and libs/accounts/src/bootstrap.service.ts.
const AUTO_JOB_SQL = `
/** The identifier job a short reservation asks for; it points back at the reservation. */
export const INSERT_AUTO_JOB = \`
  INSERT INTO identifier_job (id, account, quantity, type, product, length, character_set, domain)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\`;
`;
const BOOTSTRAP = `
      await tx.query(
        \`INSERT INTO domain (account, host, is_default)
         SELECT $1, $2, true
         WHERE NOT EXISTS (SELECT 1 FROM domain WHERE account = $1 AND is_default)\`,
        [accountId, linkDomain],
      );
`;

// libs/codes/src/code-generation.sql.ts: the foreign keys' own lock on other libs' rows.
const LOCK_CODE_PARENTS = `
export const LOCK_CODE_PARENTS = \`
  WITH a AS (SELECT 1 FROM account WHERE id = $1 FOR KEY SHARE),
       p AS (SELECT 1 FROM product WHERE id = $2 FOR KEY SHARE)
  SELECT EXISTS (SELECT 1 FROM a) AS account\`;
export const LOCK_JOB = \`
  SELECT j.quantity FROM identifier_job j WHERE j.id = $1 FOR UPDATE\`;
`;

describe('check-table-ownership', () => {
  it('refuses the old layout, naming file, line, table and owner', () => {
    const problems = checker.findViolations([
      { path: 'libs/exports/src/export.sql.ts', text: EXPORT_SQL },
      { path: 'libs/codes/src/unique-code-update.sql.ts', text: UNIQUE_CODE_UPDATE_SQL },
      { path: 'libs/reservations/src/reservation.sql.ts', text: AUTO_JOB_SQL },
      { path: 'libs/accounts/src/bootstrap.service.ts', text: BOOTSTRAP },
    ]);
    expect(problems).toEqual([
      'libs/exports/src/export.sql.ts:9: exports FOR UPDATE on "code_reservation", which reservations owns: call its ReservationRepository',
      'libs/exports/src/export.sql.ts:15: exports UPDATE on "code_reservation", which reservations owns: call its ReservationRepository',
      'libs/codes/src/unique-code-update.sql.ts:17: codes FOR UPDATE on "code_reservation", which reservations owns: call its ReservationRepository',
      'libs/codes/src/unique-code-update.sql.ts:20: codes UPDATE on "code_reservation", which reservations owns: call its ReservationRepository',
      'libs/reservations/src/reservation.sql.ts:4: reservations INSERT on "identifier_job", which codes owns: call its IdentifierJobRepository',
      'libs/accounts/src/bootstrap.service.ts:3: accounts INSERT on "domain", which catalog owns: call its DomainRepository',
    ]);
  });

  it('passes the same statements in their owners, and the declared shared lifecycle of codes', () => {
    expect(
      checker.findViolations([
        {
          path: 'libs/reservations/src/lifecycle/code-lifecycle.sql.ts',
          text: UNIQUE_CODE_UPDATE_SQL,
        },
        {
          path: 'libs/reservations/src/reservation.sql.ts',
          text: EXPORT_SQL.replace(/INSERT INTO file.*/, ''),
        },
        { path: 'libs/codes/src/identifier-job.sql.ts', text: AUTO_JOB_SQL },
        { path: 'libs/catalog/src/domain.sql.ts', text: BOOTSTRAP },
      ]),
    ).toEqual([]);
  });

  it('ignores reads, foreign-key locks, comments and prose', () => {
    const text = `${LOCK_CODE_PARENTS}
      // UPDATE code_reservation SET status = 'x'   (a comment)
      /* INSERT INTO domain (host) VALUES ('x') */
      const message = 'cannot update product: FOR UPDATE is taken';
      const ordinary = \`SELECT * FROM code_reservation r JOIN product p ON p.id = r.product\`;
      const upsert = \`INSERT INTO sscc_sequence AS s (company_prefix) VALUES ($1)
        ON CONFLICT (company_prefix) DO UPDATE SET next_serial = s.next_serial + 1\`;`;
    expect(checker.findViolations([{ path: 'libs/codes/src/x.sql.ts', text }])).toEqual([]);
  });

  it('keeps the outbox and the webhook tables with their owners', () => {
    // The outbox insert as issue 13's branch first had it, if a domain lib ran it itself.
    const insertEvent = `export const INSERT_EVENT = \`
  INSERT INTO event_outbox (event, account, subject, data) VALUES ($1, $2, $3, $4)\`;`;
    const deliveries = `const q = \`
  UPDATE webhook_delivery SET status = 'failed' WHERE id = $1\`;`;
    expect(
      checker.findViolations([
        { path: 'libs/codes/src/generation/x.sql.ts', text: insertEvent },
        { path: 'apps/reservation-worker/src/x.ts', text: deliveries },
        { path: 'libs/shared/events/src/event-outbox.sql.ts', text: insertEvent },
        { path: 'libs/webhooks/src/webhook.sql.ts', text: deliveries },
      ]),
    ).toEqual([
      'libs/codes/src/generation/x.sql.ts:2: codes INSERT on "event_outbox", which shared-events owns: call its EventOutboxRepository',
      'apps/reservation-worker/src/x.ts:2: reservation-worker UPDATE on "webhook_delivery", which webhooks owns: call its WebhookRepository',
    ]);
  });

  it('names a lock by the table its alias stands for', () => {
    const text = `const q = \`
      SELECT r.id FROM unique_code u JOIN code_reservation r ON r.id = u.reservation
      FOR UPDATE OF r\`;`;
    expect(checker.findViolations([{ path: 'apps/export-worker/src/x.ts', text }])).toEqual([
      'apps/export-worker/src/x.ts:3: export-worker FOR UPDATE on "code_reservation", which reservations owns: call its ReservationRepository',
    ]);
  });

  it('checks production files only', () => {
    expect(checker.isCheckedFile('libs/reservations/src/reservation.sql.ts')).toBe(true);
    expect(checker.isCheckedFile('apps/api-gateway/src/app.module.ts')).toBe(true);
    expect(checker.isCheckedFile('libs/reservations/src/code-reservation.int-spec.ts')).toBe(false);
    expect(checker.isCheckedFile('libs/reservations/src/testing/reservation-test.factory.ts')).toBe(
      false,
    );
    expect(checker.isCheckedFile('libs/shared/testing/src/worker-test-env.ts')).toBe(false);
    expect(checker.isCheckedFile('libs/shared/database/src/migrations/1-Initial.ts')).toBe(false);
    expect(checker.projectOf('libs/shared/items/src/x.ts')).toBe('shared-items');
  });

  it('passes the tree as it is now, every table owned', () => {
    const { count, problems } = checker.checkTree();
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(100);
  });

  it('asks for an owner of every table a migration creates', () => {
    expect(
      checker.unownedTables([
        'CREATE TABLE account (id uuid); CREATE TABLE IF NOT EXISTS ingestion (id uuid)',
      ]),
    ).toEqual([
      'libs/shared/database/src/migrations: table "ingestion" has no owner in tools/ci/table-ownership.js',
    ]);
  });
});
