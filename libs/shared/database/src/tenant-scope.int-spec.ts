import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { dataSourceOptions, runMigrations } from './data-source';
import { inPgTransaction } from './pg-client';
import { asAnyScope, asPlatform, asTenant, currentTenant, scopeConnections } from './tenant-scope';

/**
 * The scope a partner's request runs in reaches PostgreSQL through every connection the pool
 * lends: statements that name no account at all (as a careless change would write them) read,
 * change and add only the scoped account's rows; outside the scope the same connections are the
 * owner's again. One connection in the pool, so each test reuses the one the last left behind.
 */
let database: TestDatabase;
let db: DataSource;
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const names = async (): Promise<string[]> =>
  (
    (await db.query(`SELECT product_name FROM product ORDER BY product_name`)) as {
      product_name: string;
    }[]
  ).map((row) => row.product_name);

beforeAll(async () => {
  database = await createTestDatabase('tenant_scope');
  await runMigrations(database.url);
  db = scopeConnections(new DataSource(dataSourceOptions({ url: database.url, poolSize: 1 })));
  await db.initialize();
  await db.query(`INSERT INTO account (id, name) VALUES ($1, 'a'), ($2, 'b')`, [A, B]);
});

beforeEach(async () => {
  await db.query(`DELETE FROM product`);
  await db.query(
    `INSERT INTO product (id, gtin, account, product_name) VALUES
       ('/01/09506000134352', '09506000134352', $1, 'a1'),
       ('/01/09506000134369', '09506000134369', $2, 'b1')`,
    [A, B],
  );
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

it('reads and writes without an account filter reach only the scoped account', async () => {
  await asTenant(A, async () => {
    expect(await names()).toEqual(['a1']);
    await db.query(`UPDATE product SET product_name = product_name || '!'`);
    await db.query(`DELETE FROM product WHERE product_name LIKE 'b%'`);
  });
  expect(await names()).toEqual(['a1!', 'b1']);
});

it("refuses a row written into another account's, in a transaction too", async () => {
  const insertForB = `INSERT INTO product (id, gtin, account)
    VALUES ('/01/09506000134376', '09506000134376', $1)`;
  await asTenant(A, async () => {
    await expect(db.query(insertForB, [B])).rejects.toThrow(/row-level security/);
    await expect(inPgTransaction(db, (client) => client.query(insertForB, [B]))).rejects.toThrow(
      /row-level security/,
    );
    await expect(db.query(`UPDATE product SET account = $1`, [B])).rejects.toThrow(
      /row-level security/,
    );
  });
  expect(await names()).toEqual(['a1', 'b1']);
});

it('gives the connection back to the owner outside the scope, and inside asPlatform', async () => {
  await asTenant(B, async () => {
    expect(await names()).toEqual(['b1']);
    expect(await asPlatform(() => names())).toEqual(['a1', 'b1']);
    expect(currentTenant()).toBe(B);
  });
  expect(await names()).toEqual(['a1', 'b1']);
  const [{ user }] = await db.query(`SELECT current_user AS user`);
  expect(user).not.toBe('sid_tenant');
});

it('keeps interleaved scopes apart on the one shared connection', async () => {
  const seen = await Promise.all(
    Array.from({ length: 20 }, (_, i) => {
      const account = i % 2 ? B : A;
      return asTenant(account, async () => {
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        return (await names()).join();
      });
    }),
  );
  expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 'b1' : 'a1')));
});

it('authenticates on a connection as it is, with the same answer in every scope', async () => {
  const tokenHash = 'ab'.repeat(32);
  const [{ id }] = await db.query(
    `INSERT INTO app_user (account, email, token_hash) VALUES ($1, 'b@test', $2) RETURNING id`,
    [B, tokenHash],
  );
  const expected = [{ id, account: B, role: 'user', permissions: null }];
  const lookup = () =>
    asAnyScope(() => db.query(`SELECT * FROM active_user_by_token($1)`, [tokenHash]));
  const role = async () => ((await db.query(`SELECT current_user AS r`)) as { r: string }[])[0].r;

  // The one connection was last set for A: the lookup leaves it so, and still finds B's user.
  await asTenant(A, () => names());
  expect(await lookup()).toEqual(expected);
  expect(await asAnyScope(role)).toBe('sid_tenant');
  expect(await asAnyScope(() => db.query(`SELECT * FROM active_user_by_id($1)`, [id]))).toEqual([
    { id, account: B, role: 'user' },
  ]);
  expect(currentTenant()).toBeUndefined();
  // Outside any scope the connection is the owner's again; the lookup answers the same.
  expect(await role()).not.toBe('sid_tenant');
  expect(await lookup()).toEqual(expected);
  // A suspended user is found by neither.
  await db.query(`UPDATE app_user SET status = 'suspended' WHERE id = $1`, [id]);
  expect(await lookup()).toEqual([]);
});
