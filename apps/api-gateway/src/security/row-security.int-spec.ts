import request from 'supertest';
import { DataSource } from 'typeorm';
import { compileItemQuery, compileKeyQuery, parseItemQuery } from '@sid/gateway-query';
import { COLLECTIONS } from '../items/collections';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * The database's backstop: with the compiler's account filter removed on purpose (the
 * collection's tenantField taken away, as a careless change would), a partner's read through
 * the normal request path still sees only its own rows, because PostgreSQL's row-level security
 * confines the tenant role to the account set for the transaction.
 */
describe('row-level security backstop', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let tokenB: string;
  let accountA: string;
  let accountB: string;

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gateway = await createGatewayTestApp('rls');
    http = request(gateway.app.getHttpServer());
    db = gateway.app.get(DataSource);
    const admin = as(gateway.adminToken);
    const user = async (email: string) =>
      (await http.post('/users').set(admin).send({ email, account_name: email }).expect(200)).body
        .data;
    const a = await user('a@example.com');
    const b = await user('b@example.com');
    tokenB = b.token;
    accountA = a.account;
    accountB = b.account;
    for (const [token, gtin, account] of [
      [a.token, '09506000134352', a.account],
      [b.token, '09506000134369', b.account],
    ]) {
      await http.post('/items/product').set(as(token)).send({ gtin }).expect(200);
      await http
        .post('/items/unique_code')
        .set(as(token))
        .send({ code: `CODE${gtin.slice(-4)}`, product: `/01/${gtin}`, type: 'sgtin' })
        .expect(200);
      await http
        .post('/items/code_pool')
        .set(as(token))
        .send({ product: `/01/${gtin}`, min_unassigned: 1, refill_quantity: 1 })
        .expect(200);
      const webhook = await http
        .post('/items/webhook')
        .set(as(token))
        .send({ url: 'http://127.0.0.1:9/hook', events: ['pool.low'] })
        .expect(200);
      // A delivery, as the worker's fan-out writes it (partners cannot write deliveries).
      await db.query(
        `WITH e AS (
           INSERT INTO event_outbox (event, account, subject) VALUES ('pool.low', $1, $2::text)
           RETURNING id, account, event)
         INSERT INTO webhook_delivery (account, webhook, event_id, event)
         SELECT e.account, $2::uuid, e.id, e.event FROM e`,
        [account, webhook.body.data.id],
      );
    }
  });

  afterAll(async () => gateway?.close());

  /** Takes the account filter away from a collection's reads while `work` runs. */
  async function withoutAccountFilter(collection: string, work: () => Promise<void>) {
    const definition = COLLECTIONS.get(collection);
    const tenantField = definition.tenantField;
    definition.tenantField = undefined;
    try {
      await work();
    } finally {
      definition.tenantField = tenantField;
    }
  }

  it.each(['product', 'code_pool', 'webhook', 'webhook_delivery'])(
    "a %s read that forgot its account filter still sees only the caller's rows",
    async (collection) => {
      await withoutAccountFilter(collection, async () => {
        // The statement really is unfiltered: run without the policies (as the owner), it sees both.
        const compiled = compileItemQuery(
          COLLECTIONS,
          collection,
          parseItemQuery({ fields: 'account' }, { defaultLimit: 100, maxLimit: 100 }),
          { accountId: accountB, userId: null },
        );
        expect(await db.query(compiled.sql, compiled.params)).toHaveLength(2);

        const list = await http
          .get(`/items/${collection}?fields=account&meta=total_count`)
          .set(as(tokenB))
          .expect(200);
        expect(list.body).toEqual({ data: [{ account: accountB }], meta: { total_count: 1 } });
        const other = await http
          .get(`/items/${collection}?fields=account&filter[account][_neq]=${accountB}`)
          .set(as(tokenB))
          .expect(200);
        expect(other.body.data).toEqual([]);
      });
    },
  );

  it.each(['product', 'code_pool'])(
    "a streamed limit=-1 read of %s that forgot its account filter still sees only the caller's rows",
    async (collection) => {
      await withoutAccountFilter(collection, async () => {
        const list = await http
          .get(`/items/${collection}?fields=account&limit=-1&meta=total_count`)
          .set(as(tokenB))
          .expect(200);
        // Streamed from the cursor (chunked), not gathered and sent with a length.
        expect(list.headers['transfer-encoding']).toBe('chunked');
        expect(JSON.parse(list.text)).toEqual({
          data: [{ account: accountB }],
          meta: { total_count: 1 },
        });
      });
    },
  );

  it("a batch PATCH whose selection forgot its account filter changes only the caller's codes", async () => {
    await withoutAccountFilter('unique_code', async () => {
      const compiled = compileKeyQuery(
        COLLECTIONS,
        'unique_code',
        {
          filter: {
            type: 'condition',
            field: 'activation_status',
            operator: '_eq',
            value: 1,
            path: 'f',
          },
          search: null,
        },
        { accountId: accountB, userId: null },
      );
      // Unfiltered indeed: run as the owner, the selection takes both accounts' codes.
      expect(await db.query(compiled.sql, compiled.params)).toHaveLength(2);

      const patched = await http
        .patch('/items/unique_code?fields=account,activation_status')
        .set(as(tokenB))
        .send({
          query: { filter: { activation_status: { _eq: 1 } } },
          data: { activation_status: 2, blacklist_reason: 'recalled' },
        })
        .expect(200);
      expect(patched.body.data).toEqual([{ account: accountB, activation_status: 2 }]);
    });
    const codes: { account: string; activation_status: number }[] = await db.query(
      `SELECT account, activation_status FROM unique_code`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        { account: accountA, activation_status: 1 },
        { account: accountB, activation_status: 2 },
      ]),
    );
    expect(codes).toHaveLength(2);
  });

  it('the tenant role may not read sessions at all', async () => {
    for (const table of ['user_session']) {
      const attempt = db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('sid.account', $1, true)`, [accountB]);
        await tx.query(`SET LOCAL ROLE sid_tenant`);
        await tx.query(`SELECT count(*) FROM ${table}`);
      });
      await expect(attempt).rejects.toThrow(/permission denied/);
    }
  });

  it('every collection with an account has its row policies', async () => {
    const tenantTables = COLLECTIONS.all()
      .filter((definition) => definition.tenantField !== undefined)
      .map((definition) => definition.table)
      .sort();
    expect(tenantTables).toEqual(expect.arrayContaining(['webhook', 'webhook_delivery']));
    // A table with RLS and the tenant's policy, or a view that reads its tables with the
    // caller's rights (code_pool_level), so that their policies apply.
    const rows: { table: string }[] = await db.query(
      `SELECT c.relname AS table FROM pg_class c
       WHERE c.relname = ANY($1)
         AND (c.relkind = 'v' AND 'security_invoker=true' = ANY (c.reloptions)
           OR c.relrowsecurity AND EXISTS (
             SELECT 1 FROM pg_policies p
             WHERE p.tablename = c.relname AND p.policyname = 'tenant_rows'
               AND p.roles = '{sid_tenant}'))
       ORDER BY 1`,
      [tenantTables],
    );
    expect(rows.map((row) => row.table)).toEqual(tenantTables);
  });

  it("the tenant role reads neither a webhook's secret nor the outbox", async () => {
    const asTenant = (sql: string) =>
      db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('sid.account', $1, true)`, [accountB]);
        await tx.query(`SET LOCAL ROLE sid_tenant`);
        return tx.query(sql);
      });
    await expect(asTenant(`SELECT id, url, events FROM webhook`)).resolves.toHaveLength(1);
    await expect(asTenant(`SELECT secret FROM webhook`)).rejects.toThrow(/permission denied/);
    await expect(asTenant(`SELECT id FROM event_outbox`)).rejects.toThrow(/permission denied/);
  });

  it("the tenant role writes its own account's rows only, and never the platform's tables", async () => {
    const asTenantRole = (sql: string, params: unknown[] = []) =>
      db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('sid.account', $1, true)`, [accountB]);
        await tx.query(`SET LOCAL ROLE sid_tenant`);
        return tx.query(sql, params);
      });
    const [, touched] = await asTenantRole(`UPDATE product SET product_name = product_name`);
    expect(touched).toBe(1);
    await expect(asTenantRole(`UPDATE product SET account = $1`, [accountA])).rejects.toThrow(
      /row-level security/,
    );
    for (const sql of [
      `UPDATE account SET name = 'x'`,
      `DELETE FROM webhook_delivery`,
      `DELETE FROM user_session`,
      `DELETE FROM event_outbox`,
    ]) {
      await expect(asTenantRole(sql)).rejects.toThrow(/permission denied/);
    }
  });

  it('every table with an account column is confined for the tenant role, or closed to it', async () => {
    const tables: { table: string; rls: boolean; policies: string[]; readable: boolean }[] =
      await db.query(`
      SELECT c.relname AS table, c.relrowsecurity AS rls,
        coalesce((SELECT array_agg(p.polname::text ORDER BY p.polname) FROM pg_policy p
                  WHERE p.polrelid = c.oid), '{}') AS policies,
        has_any_column_privilege('sid_tenant', c.oid, 'SELECT') AS readable
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'account'
                     AND NOT a.attisdropped) OR c.relname = 'account')
      ORDER BY c.relname`);
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['ingestion_record', 'workorder', 'unique_code', 'event_outbox']),
    );
    for (const t of tables) {
      // A table no tenant may read at all (the outbox, stored idempotent answers) needs no
      // policy; one a tenant may read must hand it its own account's rows only.
      if (!t.readable) continue;
      expect({ table: t.table, rls: t.rls, policies: t.policies }).toEqual({
        table: t.table,
        rls: true,
        policies: ['not_tenant', 'tenant_rows'],
      });
    }
    expect(tables.filter((t) => t.readable).map((t) => t.table)).toEqual(
      expect.arrayContaining(['ingestion_record', 'workorder', 'unique_code', 'product']),
    );
  });

  it("the tenant role sees only its account's ingestion records and workorders", async () => {
    const accounts: string[] = (
      await db.query(`SELECT id FROM account WHERE id IN (
        SELECT account FROM app_user WHERE email IN ('a@example.com', 'b@example.com'))`)
    ).map((r: { id: string }) => r.id);
    expect(accounts).toHaveLength(2);
    for (const [i, account] of accounts.entries()) {
      const [{ id }] = await db.query(
        `INSERT INTO ingestion_record (key, account, filetype, object_key)
         VALUES ($1, $2, 'csv', $3) RETURNING id`,
        [`rlsrecord00${i}`, account, `rls/${i}`],
      );
      await db.query(
        `INSERT INTO workorder (account, ingestion_record, reference, quantity)
         VALUES ($1, $2, 'rls', 0)`,
        [account, id],
      );
    }
    const seen = await db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('sid.account', $1, true)`, [accountB]);
      await tx.query(`SET LOCAL ROLE sid_tenant`);
      return {
        records: await tx.query(`SELECT DISTINCT account FROM ingestion_record`),
        workorders: await tx.query(`SELECT DISTINCT account FROM workorder`),
      };
    });
    expect(seen).toEqual({ records: [{ account: accountB }], workorders: [{ account: accountB }] });
  });
});
