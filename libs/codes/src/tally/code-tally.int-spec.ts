import { Test, TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { UNIQUE_CODE_COLLECTION } from '../codes.collections';
import { CodeTallyRepository } from './code-tally.repository';

const PRODUCT = '/01/09506000134352';
/** The groups the collection says its tally keeps (so the definition is checked too). */
const GROUPS = ['account', ...(UNIQUE_CODE_COLLECTION.tally?.fields ?? [])].join(', ');

/**
 * unique_code_tally against the truth: after every kind of write to unique_code (COPY under
 * `session_replication_role = replica` as generation does, updates moving codes between groups,
 * deletes, a partner's own update as the tenant role, truncation) and after compaction with a
 * writer in flight, its sums per group are exactly `count(*)` of the codes per group.
 */
describe('unique_code_tally', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let tally: CodeTallyRepository;
  let pg: Client;
  let other: Client;
  let accountA: string;
  let accountB: string;
  let jobA: string;
  let jobB: string;

  beforeAll(async () => {
    database = await createTestDatabase('code_tally');
    await runMigrations(database.url);
    process.env.DATABASE_URL = database.url;
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, DatabaseModule],
      providers: [CodeTallyRepository],
    }).compile();
    await moduleRef.init();
    tally = moduleRef.get(CodeTallyRepository);
    pg = new Client({ connectionString: database.url });
    other = new Client({ connectionString: database.url });
    await Promise.all([pg.connect(), other.connect()]);
    [accountA, accountB] = (
      await pg.query<{ id: string }>(`INSERT INTO account (name) VALUES ('A'), ('B') RETURNING id`)
    ).rows.map((r) => r.id);
    await pg.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
      PRODUCT,
      PRODUCT.slice(4),
      accountA,
    ]);
    [jobA, jobB] = (
      await pg.query<{ id: string }>(
        `INSERT INTO identifier_job (account, quantity, product, type)
         VALUES ($1, 1000, $3, 'sgtin'), ($2, 1000, NULL, 'short_code') RETURNING id`,
        [accountA, accountB, PRODUCT],
      )
    ).rows.map((r) => r.id);
  });

  afterAll(async () => {
    await Promise.all([pg?.end(), other?.end()]);
    await moduleRef?.close();
    await database?.drop();
  });

  const truth = async () =>
    (
      await pg.query(
        `SELECT ${GROUPS}, count(*)::int AS codes FROM unique_code
         GROUP BY ${GROUPS} ORDER BY ${GROUPS}`,
      )
    ).rows;
  const tallied = async () =>
    (
      await pg.query(
        `SELECT ${GROUPS}, sum(codes)::int AS codes FROM unique_code_tally
         GROUP BY ${GROUPS} HAVING sum(codes) <> 0 ORDER BY ${GROUPS}`,
      )
    ).rows;
  const tallyRows = async () =>
    (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM unique_code_tally`)).rows[0].n;
  const expectExact = async () => {
    const expected = await truth();
    expect(expected.length).toBeGreaterThan(0);
    expect(await tallied()).toEqual(expected);
  };

  /** `count` codes of account A's job, by COPY with the row triggers off, as generation writes. */
  const copyCodes = async (prefix: string, count: number) => {
    await pg.query('BEGIN');
    await pg.query('SET LOCAL session_replication_role = replica');
    const lines = Array.from({ length: count }, (_, i) => {
      const code = `${prefix}${i}`;
      return `${accountA}\tsgtin\t${PRODUCT}\t${jobA}\t${code}\thttps://id.test${PRODUCT}/21/${code}\n`;
    });
    await pipeline(
      Readable.from(lines),
      pg.query(
        copyFrom(
          `COPY unique_code (account, type, product, identifier_job, code, digital_link) FROM STDIN`,
        ),
      ),
    );
    await pg.query('COMMIT');
  };

  it('follows COPY, updates that move codes between groups, deletes, and a partner update', async () => {
    await copyCodes('a', 500);
    await pg.query(
      `INSERT INTO unique_code (account, type, identifier_job, code, digital_link)
       SELECT $1, 'short_code', $2, 'b' || g, 'https://id.test/b' || g FROM generate_series(1, 50) g`,
      [accountB, jobB],
    );
    await expectExact();

    await pg.query(
      `UPDATE unique_code SET status = 'assigned' WHERE code IN (SELECT 'a' || g FROM generate_series(1, 120) g)`,
    );
    await pg.query(
      `UPDATE unique_code SET activation_status = 0 WHERE code IN (SELECT 'a' || g FROM generate_series(100, 200) g)`,
    );
    // An update that moves nothing between groups adds no delta.
    const before = await tallyRows();
    await pg.query(`UPDATE unique_code SET scm_data = '{}' WHERE account = $1`, [accountA]);
    expect(await tallyRows()).toBe(before);
    await pg.query(`DELETE FROM unique_code WHERE code IN ('a1', 'a2', 'a300', 'b7')`);
    await expectExact();

    // A partner blacklisting its codes: the tenant role may not write the tally, the trigger does.
    await pg.query('BEGIN');
    await pg.query(
      `SELECT set_config('sid.account', $1, true), set_config('role', 'sid_tenant', true)`,
      [accountA],
    );
    await pg.query(
      `UPDATE unique_code SET activation_status = 2, blacklist_reason = 'stolen' WHERE code LIKE 'a4%'`,
    );
    await pg.query('COMMIT');
    await expectExact();
  });

  it('shows a partner its own rows only and takes no writes from it', async () => {
    await pg.query('BEGIN');
    try {
      await pg.query(
        `SELECT set_config('sid.account', $1, true), set_config('role', 'sid_tenant', true)`,
        [accountB],
      );
      const { rows } = await pg.query(`SELECT DISTINCT account FROM unique_code_tally`);
      expect(rows).toEqual([{ account: accountB }]);
      await expect(
        pg.query(
          `INSERT INTO unique_code_tally (account, type, status, activation_status, codes)
           VALUES ($1, 'short_code', 'unassigned', 1, 1000)`,
          [accountB],
        ),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await pg.query('ROLLBACK');
    }
    await expect(
      pg.query(`SET ROLE sid_tenant; SELECT compact_unique_code_tally()`),
    ).rejects.toThrow(/permission denied/);
    await pg.query('RESET ROLE');
  });

  it('lets concurrent claims of the same group proceed without waiting on each other', async () => {
    await pg.query('BEGIN');
    await pg.query(`UPDATE unique_code SET status = 'assigned' WHERE code = 'a401'`);
    try {
      await other.query('BEGIN');
      await other.query(`SET LOCAL lock_timeout = '2s'`);
      await other.query(`UPDATE unique_code SET status = 'assigned' WHERE code = 'a402'`);
      await other.query('COMMIT');
    } finally {
      await pg.query('COMMIT');
    }
    await expectExact();
  });

  it('folds the deltas into one row per group, keeping a writer’s uncommitted delta', async () => {
    await other.query('BEGIN');
    await other.query(`UPDATE unique_code SET status = 'assigned' WHERE code = 'a403'`);
    const removed = await tally.compact();
    await other.query('COMMIT');
    expect(removed).toBeGreaterThan(0);
    await expectExact();
    // Compacted once more (the writer's delta now visible): one row per group, nothing else.
    await tally.compact();
    expect(await tallyRows()).toBe((await truth()).length);
    await expectExact();
  });

  it('empties with the table', async () => {
    await pg.query('TRUNCATE unique_code');
    expect(await tallyRows()).toBe(0);
  });
});
