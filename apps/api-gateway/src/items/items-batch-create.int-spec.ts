import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { gs1CheckDigit } from '@sid/identifiers';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

const gtin = (n: number): string => {
  const body = `0950600${String(n).padStart(6, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
};

/** An 18-digit SSCC (extension digit 0, company prefix 0950600) with its check digit. */
const sscc = (n: number): string => {
  const body = `00950600${String(n).padStart(9, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
};

/** `POST /items/<collection>` with an array, and GraphQL `create_<collection>_items`. */
describe('batch create', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let auth: { Authorization: string };

  const sql = (text: string) => gateway.app.get<DataSource>(getDataSourceToken()).query(text);
  const count = async (table: string): Promise<number> =>
    Number((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    gateway = await createGatewayTestApp('batchcreate', {
      ITEMS_BATCH_MAX: '1200',
      QUERY_LIMIT_MAX: '1500',
    });
    http = request(gateway.app.getHttpServer());
    auth = { Authorization: `Bearer ${gateway.adminToken}` };
  });
  afterAll(() => gateway?.close());

  it('creates every item in one request and answers them in the order sent', async () => {
    // More than one INSERT's worth (500 rows), sent in descending GTIN order.
    const gtins = Array.from({ length: 1200 }, (_, i) => gtin(5000 - i));
    const created = await http
      .post('/items/product?fields=gtin,product_name')
      .set(auth)
      .send(gtins.map((g) => ({ gtin: g, product_name: `P ${g}` })))
      .expect(200);
    expect(created.body.data).toHaveLength(1200);
    expect(created.body.data.map((item: { gtin: string }) => item.gtin)).toEqual(gtins);
    // The key was read to order the answer, not shown: it was not asked for.
    expect(created.body.data[0]).toEqual({ gtin: gtins[0], product_name: `P ${gtins[0]}` });
    expect(await count('product')).toBe(1200);
    await sql(`DELETE FROM product`);
  });

  it('writes nothing when one item is wrong, and names that item', async () => {
    const wrong = await http
      .post('/items/product')
      .set(auth)
      .send([{ gtin: gtin(1) }, { gtin: gtin(2) }, { gtin: '09506000134353' }, { gtin: gtin(3) }])
      .expect(400);
    expect(wrong.body.errors[0].message).toMatch(/wrong check digit/);
    expect(wrong.body.errors[0].extensions).toMatchObject({ code: 'INVALID_PAYLOAD', item: 2 });
    // A duplicate inside the batch is only seen by the database: the whole batch rolls back.
    const duplicate = await http
      .post('/items/product')
      .set(auth)
      .send([{ gtin: gtin(1) }, { gtin: gtin(2) }, { gtin: gtin(1) }])
      .expect(400);
    expect(duplicate.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    const notObject = await http
      .post('/items/product')
      .set(auth)
      .send([{ gtin: gtin(1) }, 'x'])
      .expect(400);
    expect(notObject.body.errors[0]).toMatchObject({
      message: 'Item 1 must be a JSON object.',
      extensions: { code: 'INVALID_PAYLOAD', item: 1 },
    });
    expect(await count('product')).toBe(0);
  });

  it('refuses more items than the configured maximum with a 400 that says it', async () => {
    const tooMany = await http
      .post('/items/product')
      .set(auth)
      .send(Array.from({ length: 1201 }, (_, i) => ({ gtin: gtin(i) })))
      .expect(400);
    expect(tooMany.body.errors[0]).toEqual({
      message: 'At most 1200 items can be created in one request, got 1201.',
      extensions: { code: 'INVALID_PAYLOAD' },
    });
    expect(await count('product')).toBe(0);
    const empty = await http.post('/items/product').set(auth).send([]).expect(200);
    expect(empty.body).toEqual({ data: [] });
  });

  it('creates reservations in one batch, each one claimed by its own job', async () => {
    await http
      .post('/items/product')
      .set(auth)
      .send({ gtin: gtin(7) })
      .expect(200);
    const product = `/01/${gtin(7)}`;
    const created = await http
      .post('/items/code_reservation?fields=id,reference_id,status')
      .set(auth)
      .send([
        { product, quantity: 5, reference_id: 'PO-1' },
        { product, quantity: 6, reference_id: 'PO-2' },
      ])
      .expect(200);
    expect(created.body.data).toEqual([
      { id: expect.any(String), reference_id: 'PO-1', status: 'new' },
      { id: expect.any(String), reference_id: 'PO-2', status: 'new' },
    ]);
    const refused = await http
      .post('/items/code_reservation')
      .set(auth)
      .send([
        { product, quantity: 5 },
        { product: `/01/${gtin(8)}`, quantity: 5 },
      ])
      .expect(400);
    expect(refused.body.errors[0].extensions).toMatchObject({ field: 'product', item: 1 });
    expect(await count('code_reservation')).toBe(2);
  });

  it('creates items in one GraphQL mutation, all or none', async () => {
    const graphql = (query: string) => http.post('/graphql').set(auth).send({ query }).expect(200);
    const ok = await graphql(`
      mutation {
        create_organisation_items(
          data: [
            { id: "/417/0053893000008", name: "Bearings Inc" }
            { id: "/417/9312345000012", name: "Food Co" }
          ]
        ) {
          name
        }
      }
    `);
    expect(ok.body).toEqual({
      data: { create_organisation_items: [{ name: 'Bearings Inc' }, { name: 'Food Co' }] },
    });
    const wrong = await graphql(`
      mutation {
        create_organisation_items(
          data: [
            { id: "/417/9506000134352", name: "Fine" }
            { id: "/417/0053893000009", name: "Wrong check digit" }
          ]
        ) {
          id
        }
      }
    `);
    expect(wrong.body.errors[0].extensions).toMatchObject({ code: 'INVALID_PAYLOAD', item: 1 });
    expect(await count('organisation')).toBe(2);
  });

  it('creates domains in one batch, one default for the account, all or none', async () => {
    const defaultHost = async (): Promise<string[]> =>
      (
        await sql(`SELECT host FROM domain WHERE is_default AND account = (
          SELECT account FROM domain WHERE host = 'b.batch.example')`)
      ).map((row: { host: string }) => row.host);
    const created = await http
      .post('/items/domain?fields=host,is_default')
      .set(auth)
      .send([
        { host: 'c.batch.example' },
        { host: 'b.batch.example', is_default: true },
        { host: 'a.batch.example' },
      ])
      .expect(200);
    expect(created.body.data).toEqual([
      { host: 'c.batch.example', is_default: false },
      { host: 'b.batch.example', is_default: true },
      { host: 'a.batch.example', is_default: false },
    ]);
    // The account's previous default (if any) was unset in the same transaction.
    expect(await defaultHost()).toEqual(['b.batch.example']);

    const refusals: [unknown[], Record<string, unknown>, RegExp][] = [
      // The last item is wrong: nothing is stored, and its index is named.
      [
        [{ host: 'd.batch.example' }, { host: 'e.batch.example' }, { host: 'https://f/' }],
        { code: 'INVALID_PAYLOAD', field: 'host', item: 2 },
        /must be a lower-case name/,
      ],
      // Two defaults in one batch contradict each other.
      [
        [
          { host: 'd.batch.example', is_default: true },
          { host: 'e.batch.example', is_default: true },
        ],
        { code: 'INVALID_PAYLOAD', field: 'is_default', item: 1 },
        /item 0 already is/,
      ],
      // The write guard's column rules still apply, item by item.
      [
        [{ host: 'd.batch.example' }, { host: 'e.batch.exam\u0000ple' }],
        { code: 'INVALID_PAYLOAD', item: 1 },
        /NUL/,
      ],
    ];
    for (const [batch, extensions, message] of refusals) {
      const refused = await http.post('/items/domain').set(auth).send(batch).expect(400);
      expect(refused.body.errors[0].message).toMatch(message);
      expect(refused.body.errors[0].extensions).toMatchObject(extensions);
    }
    // A host twice in the batch, or one taken already, is the database's refusal: the batch,
    // the unset default included, rolls back.
    for (const batch of [
      [
        { host: 'd.batch.example', is_default: true },
        { host: 'e.batch.example' },
        { host: 'd.batch.example' },
      ],
      [{ host: 'd.batch.example', is_default: true }, { host: 'a.batch.example' }],
    ]) {
      const duplicate = await http.post('/items/domain').set(auth).send(batch).expect(400);
      expect(duplicate.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    }
    expect(
      await sql(`SELECT host FROM domain WHERE host IN ('d.batch.example', 'e.batch.example')`),
    ).toEqual([]);
    expect(await defaultHost()).toEqual(['b.batch.example']);
  });

  it('registers codes by hand in one batch, each checked as a single one is', async () => {
    await http
      .post('/items/product')
      .set(auth)
      .send({ gtin: gtin(9) })
      .expect(200);
    const product = `/01/${gtin(9)}`;
    const codes = Number((await sql(`SELECT count(*)::int AS n FROM unique_code`))[0].n);
    const created = await http
      .post('/items/unique_code?fields=code,type,status,digital_link')
      .set(auth)
      .send([
        { code: sscc(3), type: 'sscc' },
        { code: 'BATCH01', type: 'sgtin', product },
        { code: sscc(1), type: 'sscc' },
      ])
      .expect(200);
    expect(created.body.data).toEqual([
      {
        code: sscc(3),
        type: 'sscc',
        status: 'unassigned',
        digital_link: expect.stringContaining(`/00/${sscc(3)}`),
      },
      {
        code: 'BATCH01',
        type: 'sgtin',
        status: 'unassigned',
        digital_link: expect.stringContaining(`/01/${gtin(9)}/21/BATCH01`),
      },
      {
        code: sscc(1),
        type: 'sscc',
        status: 'unassigned',
        digital_link: expect.stringContaining(`/00/${sscc(1)}`),
      },
    ]);

    const refusals: [unknown[], Record<string, unknown>, RegExp][] = [
      // The last item's check digit is wrong.
      [
        [
          { code: sscc(4), type: 'sscc' },
          { code: sscc(5), type: 'sscc' },
          { code: `${sscc(6).slice(0, 17)}${(Number(sscc(6)[17]) + 1) % 10}`, type: 'sscc' },
        ],
        { code: 'INVALID_PAYLOAD', field: 'code', item: 2 },
        /is not an SSCC/,
      ],
      // A product that does not exist, an sgtin without one, a job that is not the caller's.
      [
        [
          { code: sscc(4), type: 'sscc' },
          { code: 'BATCH02', type: 'sgtin', product: `/01/${gtin(10)}` },
        ],
        { code: 'INVALID_PAYLOAD', field: 'product', item: 1 },
        /does not exist/,
      ],
      [
        [
          { code: sscc(4), type: 'sscc' },
          { code: 'BATCH02', type: 'sgtin' },
        ],
        { code: 'INVALID_PAYLOAD', field: 'product', item: 1 },
        /needs a product/,
      ],
      [
        [
          { code: sscc(4), type: 'sscc' },
          { code: 'BATCH03', type: 'short_code', identifier_job: randomUUID() },
        ],
        { code: 'INVALID_PAYLOAD', field: 'identifier_job', item: 1 },
        /does not exist or makes other codes/,
      ],
      [
        [
          { code: sscc(4), type: 'sscc' },
          { code: 'BATCH\u000004', type: 'short_code' },
        ],
        { code: 'INVALID_PAYLOAD', item: 1 },
        /NUL/,
      ],
    ];
    for (const [batch, extensions, message] of refusals) {
      const refused = await http.post('/items/unique_code').set(auth).send(batch).expect(400);
      expect(refused.body.errors[0].message).toMatch(message);
      expect(refused.body.errors[0].extensions).toMatchObject(extensions);
    }
    // A code twice in the batch, or one that exists already: nothing is stored.
    for (const batch of [
      [
        { code: sscc(7), type: 'sscc' },
        { code: sscc(8), type: 'sscc' },
        { code: sscc(7), type: 'sscc' },
      ],
      [
        { code: sscc(7), type: 'sscc' },
        { code: 'BATCH01', type: 'sgtin', product },
      ],
    ]) {
      const duplicate = await http.post('/items/unique_code').set(auth).send(batch).expect(400);
      expect(duplicate.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    }
    expect(Number((await sql(`SELECT count(*)::int AS n FROM unique_code`))[0].n)).toBe(codes + 3);
  });

  it('creates webhooks in one batch, each shown its own secret once', async () => {
    const partner = await http
      .post('/users')
      .set(auth)
      .send({ email: 'hooks@batch.example', account_name: 'Hooks Co' })
      .expect(200);
    const partnerAuth = { Authorization: `Bearer ${partner.body.data.token}` };
    const urls = ['http://127.0.0.1:9/c', 'http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'];
    const created = await http
      .post('/items/webhook?fields=id,url,events')
      .set(partnerAuth)
      .send(urls.map((url) => ({ url, events: ['export.ready'] })))
      .expect(200);
    expect(created.body.data.map((hook: { url: string }) => hook.url)).toEqual(urls);
    const secrets = created.body.data.map((hook: { secret: string }) => hook.secret);
    expect(new Set(secrets).size).toBe(3);
    for (const hook of created.body.data) {
      expect(hook).toEqual({
        id: hook.id,
        url: hook.url,
        events: ['export.ready'],
        secret: expect.stringMatching(/^whsec_/),
      });
      const [stored] = await sql(`SELECT secret FROM webhook WHERE id = '${hook.id}'`);
      expect(stored.secret).toBe(hook.secret);
    }
    // Never readable again.
    const read = await http.get('/items/webhook').set(partnerAuth).expect(200);
    expect(read.body.data).toHaveLength(3);
    for (const hook of read.body.data) expect(hook).not.toHaveProperty('secret');

    const refusals: [unknown[], Record<string, unknown>, RegExp][] = [
      // The last item's URL could reach inside (SSRF).
      [
        [...urls.slice(0, 2), 'https://10.0.0.5/hook'].map((url) => ({
          url,
          events: ['export.ready'],
        })),
        { code: 'INVALID_PAYLOAD', field: 'url', item: 2 },
        /must not point at a private/,
      ],
      // An event listed twice, or one that does not exist.
      [
        [
          { url: urls[0], events: ['export.ready'] },
          { url: urls[1], events: ['export.ready', 'export.ready'] },
        ],
        { code: 'INVALID_PAYLOAD', item: 1 },
        /events/,
      ],
      [
        [
          { url: urls[0], events: ['export.ready'] },
          { url: urls[1], events: ['export.ready'] },
          { url: urls[2], events: ['export.done'] },
        ],
        { code: 'INVALID_PAYLOAD', item: 2 },
        /each event must be one of/,
      ],
      [
        [
          { url: urls[0], events: ['export.ready'] },
          { url: `${urls[1]}\u0000`, events: ['export.ready'] },
        ],
        { code: 'INVALID_PAYLOAD', item: 1 },
        /NUL/,
      ],
    ];
    for (const [batch, extensions, message] of refusals) {
      const refused = await http.post('/items/webhook').set(partnerAuth).send(batch).expect(400);
      expect(refused.body.errors[0].message).toMatch(message);
      expect(refused.body.errors[0].extensions).toMatchObject(extensions);
    }
    expect(await count('webhook')).toBe(3);
  });

  it('registers codes in one GraphQL mutation, all or none', async () => {
    const graphql = (query: string) => http.post('/graphql').set(auth).send({ query }).expect(200);
    const ok = await graphql(`
      mutation {
        create_unique_code_items(
          data: [{ code: "${sscc(12)}", type: "sscc" }, { code: "${sscc(11)}", type: "sscc" }]
        ) {
          code
          status
        }
      }
    `);
    expect(ok.body).toEqual({
      data: {
        create_unique_code_items: [
          { code: sscc(12), status: 'unassigned' },
          { code: sscc(11), status: 'unassigned' },
        ],
      },
    });
    const duplicate = await graphql(`
      mutation {
        create_unique_code_items(
          data: [{ code: "${sscc(13)}", type: "sscc" }, { code: "${sscc(12)}", type: "sscc" }]
        ) {
          code
        }
      }
    `);
    expect(duplicate.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    expect(await sql(`SELECT 1 FROM unique_code WHERE code = '${sscc(13)}'`)).toEqual([]);
  });

  // (This app also sets QUERY_LIMIT_MAX, which no other suite does.)
  it('refuses a limit over QUERY_LIMIT_MAX, -1 included, with a 400 that says the maximum', async () => {
    for (const limit of ['1501', '-1']) {
      const refused = await http.get(`/items/product?limit=${limit}`).set(auth).expect(400);
      expect(refused.body.errors[0].message).toMatch(/"limit" must not be greater than 1500/);
      expect(refused.body.errors[0].extensions).toEqual({ code: 'INVALID_QUERY', maxLimit: 1500 });
    }
    await http.get('/items/product?limit=1500').set(auth).expect(200);
  });
});
