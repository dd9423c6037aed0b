import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { dataSourceOptions, runMigrations } from './data-source';
import {
  prepared,
  preparedStatementName,
  setPreparedStatementCapacity,
} from './prepared-statements';
import { asPlatform, asTenant, scopeConnections } from './tenant-scope';

/**
 * Texts marked `prepared` run as named statements on the connections the pool lends, within the
 * capacity, and row-level security holds for them as for any statement. One connection in the
 * pool, so `pg_prepared_statements` shows what the statements under test left on it.
 */
let database: TestDatabase;
let db: DataSource;
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const preparedOnConnection = async (): Promise<{ name: string; statement: string }[]> =>
  db.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY name`);

beforeAll(async () => {
  database = await createTestDatabase('prepared_statements');
  await runMigrations(database.url);
  db = scopeConnections(new DataSource(dataSourceOptions({ url: database.url, poolSize: 1 })));
  await db.initialize();
  await db.query(`INSERT INTO account (id, name) VALUES ($1, 'a'), ($2, 'b')`, [A, B]);
  await db.query(
    `INSERT INTO product (id, gtin, account, product_name) VALUES
      ('/01/09506000134352', '09506000134352', $1, 'a product'),
      ('/01/09506000134369', '09506000134369', $2, 'b product')`,
    [A, B],
  );
});

afterAll(async () => {
  setPreparedStatementCapacity(100);
  await db?.destroy();
  await database?.drop();
});

afterEach(async () => {
  await db.query('DEALLOCATE ALL');
  // node-postgres remembers what it prepared on the connection: a fresh one for the next test.
  await db.destroy();
  await db.initialize();
  setPreparedStatementCapacity(100);
});

it('runs a marked text as a named statement on the connection, with the rows it would return unnamed', async () => {
  const plain = `SELECT product_name FROM product WHERE gtin = $1`;
  const unnamed = await db.query(plain, ['09506000134352']);
  const sql = prepared(`SELECT product_name FROM product WHERE gtin = $1 ORDER BY 1`);
  const name = preparedStatementName(sql);
  expect(name).toMatch(/^sid_[0-9a-f]{24}$/);

  for (let i = 0; i < 3; i++) expect(await db.query(sql, ['09506000134352'])).toEqual(unnamed);
  expect(await preparedOnConnection()).toEqual([{ name, statement: sql }]);
});

it('keeps row-level security: one statement, prepared as one tenant, reads as whoever runs it', async () => {
  // Names no account: only the policies confine it. Past five runs PostgreSQL may keep a generic plan.
  const sql = prepared(`SELECT product_name FROM product WHERE product_name LIKE $1 ORDER BY 1`);
  const run = () => db.query(sql, ['%product']) as Promise<{ product_name: string }[]>;
  for (let i = 0; i < 8; i++) {
    expect(await asTenant(A, run)).toEqual([{ product_name: 'a product' }]);
  }
  expect(await asTenant(B, run)).toEqual([{ product_name: 'b product' }]);
  expect(await asPlatform(run)).toEqual([
    { product_name: 'a product' },
    { product_name: 'b product' },
  ]);
  expect(await asTenant(A, run)).toEqual([{ product_name: 'a product' }]);
  expect((await preparedOnConnection()).map((row) => row.statement)).toEqual([sql]);
});

it('names no more texts than its capacity; 0 names none', async () => {
  setPreparedStatementCapacity(0);
  const first = prepared(`SELECT 1 AS one WHERE $1::int > 0`);
  expect(preparedStatementName(first)).toBeUndefined();
  await db.query(first, [1]);
  expect(await preparedOnConnection()).toEqual([]);

  setPreparedStatementCapacity(1);
  prepared(first);
  const second = prepared(`SELECT 2 AS two WHERE $1::int > 0`);
  expect(preparedStatementName(second)).toBeUndefined();
  await db.query(first, [1]);
  await db.query(second, [1]);
  expect((await preparedOnConnection()).map((row) => row.statement)).toEqual([first]);
});

it('leaves the connection usable after a named statement fails', async () => {
  const sql = prepared(`SELECT 10 / $1::int AS quotient`);
  await expect(db.query(sql, [0])).rejects.toThrow(/division by zero/);
  expect(await db.query(sql, [5])).toEqual([{ quotient: 2 }]);
  expect(await db.query(sql, [2])).toEqual([{ quotient: 5 }]);
});
