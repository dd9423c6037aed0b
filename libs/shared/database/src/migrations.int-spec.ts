import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { dataSourceOptions, runMigrations } from './data-source';
import { MIGRATIONS } from './migrations';
import { TenantRowSecurity1795268800000 } from './migrations/1795268800000-TenantRowSecurity';

describe('migrations', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    await runMigrations(db.url);
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('is idempotent', async () => {
    expect(await runMigrations(db.url)).toEqual([]);
  });

  it('checks GS1 check digits in the database', async () => {
    const ok = async (digits: string) =>
      (await client.query('SELECT gs1_check_digit_ok($1) AS ok', [digits])).rows[0].ok;
    expect(await ok('09506000134352')).toBe(true);
    expect(await ok('09506000134353')).toBe(false);
    expect(await ok('4006381333931')).toBe(true);
    expect(await ok('106141411234567897')).toBe(true);
    expect(await ok('9312345000012')).toBe(true);
  });

  it('refuses a product whose GTIN has a wrong check digit, and a bad status', async () => {
    const { rows } = await client.query(`INSERT INTO account (name) VALUES ('a') RETURNING id`);
    const account = rows[0].id;
    await expect(
      client.query(
        `INSERT INTO product (id, gtin, account) VALUES ('/01/09506000134353', '09506000134353', $1)`,
        [account],
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await client.query(
      `INSERT INTO product (id, gtin, account) VALUES ('/01/09506000134352', '09506000134352', $1)`,
      [account],
    );
    await expect(
      client.query(
        `INSERT INTO identifier_job (account, quantity, product, status) VALUES ($1, 10, '/01/09506000134352', 'done')`,
        [account],
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('keeps a code unique within its product and type, and a reserved code tied to a reservation', async () => {
    const { rows } = await client.query(`SELECT id FROM account LIMIT 1`);
    const account = rows[0].id;
    const insert = (code: string, status = 'unassigned') =>
      client.query(
        `INSERT INTO unique_code (account, code, type, product, status, digital_link)
         VALUES ($1, $2, 'sgtin', '/01/09506000134352', $3, 'https://x/' || $2)`,
        [account, code, status],
      );
    await insert('ABCDEFGH');
    await expect(insert('ABCDEFGH')).rejects.toMatchObject({ code: '23505' });
    await expect(insert('ZZZZZZZZ', 'reserved')).rejects.toMatchObject({ code: '23514' });
  });

  it('finds an account’s product-less unassigned codes without reading other accounts’ codes', async () => {
    const [big, small] = (
      await client.query(`INSERT INTO account (name) VALUES ('big'), ('small') RETURNING id`)
    ).rows.map((row) => row.id as string);
    await client.query(
      `INSERT INTO unique_code (account, type, status, code, digital_link)
       SELECT $1, 'short_code', 'unassigned', 'B' || n, 'https://x.test/' || n
       FROM generate_series(1, 20000) AS n`,
      [big],
    );
    await client.query(
      `INSERT INTO unique_code (account, type, status, code, digital_link)
       SELECT $1, 'short_code', 'unassigned', 'S' || n, 'https://x.test/s' || n
       FROM generate_series(1, 50) AS n`,
      [small],
    );
    await client.query('ANALYZE unique_code');

    // The claim's pick (reservation.sql.ts, CLAIM_CODES_WITHOUT_PRODUCT).
    const { rows } = await client.query(
      `EXPLAIN SELECT id FROM unique_code
       WHERE product IS NULL AND type = 'short_code' AND status = 'unassigned' AND account = $1
       LIMIT 20 FOR UPDATE SKIP LOCKED`,
      [small],
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    // The product-less pool index or the (account, id) lookup index: either reads this account's
    // rows only; the planner picks by cost, which a few rows either way can tip.
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toMatch(/Index Cond: .*account = /);
  });

  it('adds the lookup indexes to a database that already has row-level security, after it', async () => {
    const existing = await createTestDatabase('migrations_existing');
    try {
      const released = MIGRATIONS.slice(0, MIGRATIONS.indexOf(TenantRowSecurity1795268800000) + 1);
      const before = new DataSource({
        ...dataSourceOptions({ url: existing.url, poolSize: 2 }),
        migrations: released,
      });
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      await before.destroy();

      const later = MIGRATIONS.slice(released.length).map((migration) => migration.name);
      expect(later[0]).toBe('LookupIndexes1795268850000');
      expect(await runMigrations(existing.url)).toEqual(later);
      const other = new Client({ connectionString: existing.url });
      await other.connect();
      try {
        const { rows } = await other.query(`SELECT name FROM schema_migration ORDER BY timestamp`);
        const names = rows.map((row) => row.name);
        expect(names.indexOf('LookupIndexes1795268850000')).toBe(
          names.indexOf('TenantRowSecurity1795268800000') + 1,
        );
        const { rows: indexes } = await other.query(
          `SELECT indexname FROM pg_indexes WHERE tablename = 'unique_code' AND indexname = 'unique_code_code_idx'`,
        );
        expect(indexes).toHaveLength(1);
      } finally {
        await other.end();
      }
    } finally {
      await existing.drop();
    }
  });
});
