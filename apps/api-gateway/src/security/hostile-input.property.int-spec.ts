import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { COLLECTIONS, ITEM_COLLECTIONS, REST_ONLY_COLLECTIONS } from '../items/collections';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * Generated bodies, ids and query strings against every collection's list, get, create, update
 * and delete, as a partner. Whatever comes in: never a 5xx, every 4xx in the Directus envelope,
 * and a refused write leaves the partner's rows exactly as they were (counts and a checksum of
 * every tenant table). FUZZ_RUNS=<n> runs longer than the default.
 */
describe('hostile input, generated', () => {
  const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
  const GTIN = '09506000134352';
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let token: string;
  let account: string;
  const ids: string[] = [];

  const TABLES = [
    'product',
    'organisation',
    'domain',
    'identifier_job',
    'unique_code',
    'code_reservation',
    'code_pool',
    'webhook',
    'webhook_delivery',
  ];
  const snapshot = async () =>
    db.query(
      TABLES.map(
        (table) =>
          `SELECT '${table}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, ',' ORDER BY x.id::text), '')) AS sum
           FROM ${table} x WHERE account = $1`,
      ).join(' UNION ALL '),
      [account],
    );

  beforeAll(async () => {
    gateway = await createGatewayTestApp('fuzz');
    http = request(gateway.app.getHttpServer());
    db = gateway.app.get(DataSource);
    const created = await http
      .post('/users')
      .set({ Authorization: `Bearer ${gateway.adminToken}` })
      .send({ email: 'fuzz@example.com', account_name: 'Fuzz Co' })
      .expect(200);
    ({ token, account } = created.body.data);
    const auth = { Authorization: `Bearer ${token}` };
    const create = async (collection: string, body: object) =>
      ids.push(
        (await http.post(`/items/${collection}`).set(auth).send(body).expect(200)).body.data.id,
      );
    await create('product', { gtin: GTIN });
    await create('domain', { host: 'id.fuzz.example' });
    await create('identifier_job', { product: `/01/${GTIN}`, quantity: 3 });
    await create('code_reservation', { product: `/01/${GTIN}`, quantity: 1 });
    await create('unique_code', { code: 'F1', product: `/01/${GTIN}` });
    await create('webhook', { url: 'http://127.0.0.1:9/fuzz', events: ['export.ready'] });
  });

  afterAll(async () => gateway?.close());

  const nasty = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '%00',
      'null',
      '[]',
      '{}',
      '-1',
      '1e999',
      '$NOW(',
      '_eq',
    ),
    fc.string({ maxLength: 20 }),
    fc.fullUnicodeString({ maxLength: 10 }),
    fc.string({ minLength: 2001, maxLength: 2100 }),
    fc.uuid(),
    fc.constantFrom(...['/01/09506000134352', '/417/9506000134352']),
  );
  const scalar = fc.oneof(
    nasty,
    fc.integer(),
    fc.constantFrom(2147483648, -2147483649, 1e30, 2 ** 63, 0.5, -0),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('any'), { maxLength: 3 }),
    object: fc.dictionary(fc.oneof(nasty, fc.string({ maxLength: 8 })), tie('any'), { maxKeys: 3 }),
  })).any;
  const collection = fc.constantFrom(...ITEM_COLLECTIONS, ...REST_ONLY_COLLECTIONS);
  const fieldOf = (name: string) =>
    fc.oneof(fc.constantFrom(...Object.keys(COLLECTIONS.get(name).fields)), nasty);
  const body = (name: string) =>
    fc.oneof(
      fc.dictionary(fieldOf(name), value, { maxKeys: 5 }),
      // Any JSON document, and text that is not JSON, sent as the raw body.
      value.map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('{"gtin":"0950600013435', '{', 'not json', '[1,'),
    );
  const id = fc.oneof(nasty, fc.constantFrom(...['/01/09506000134352']), fc.constant('<seeded>'));
  const OPERATORS = [
    '_eq',
    '_neq',
    '_in',
    '_nin',
    '_lt',
    '_gte',
    '_between',
    '_contains',
    '_null',
    '_empty',
    '_some',
    '_x',
  ];
  const queryPart = (name: string) =>
    fc.oneof(
      fc
        .tuple(
          fieldOf(name),
          fc.constantFrom(...OPERATORS),
          nasty,
          fc.oneof(
            fc.constant(''),
            fc.nat(1000).map((n) => `[${n}]`),
          ),
        )
        .map(([f, op, v, index]) => `filter[${enc(f)}][${op}]${index}=${enc(v)}`),
      fc
        .tuple(
          fc.constantFrom(
            'fields',
            'sort',
            'limit',
            'offset',
            'page',
            'search',
            'meta',
            'groupBy',
            'aggregate[count]',
            'aggregate[sum]',
            'deep[codes][_limit]',
            'filter',
          ),
          nasty,
        )
        .map(([p, v]) => `${p}=${enc(v)}`),
    );
  const queryString = (name: string) =>
    fc.array(queryPart(name), { maxLength: 3 }).map((parts) => parts.join('&'));

  const operation = collection.chain((name) =>
    fc.oneof(
      fc.record({
        op: fc.constant('list' as const),
        name: fc.constant(name),
        query: queryString(name),
      }),
      fc.record({
        op: fc.constant('get' as const),
        name: fc.constant(name),
        id,
        query: queryString(name),
      }),
      fc.record({ op: fc.constant('create' as const), name: fc.constant(name), body: body(name) }),
      fc.record({
        op: fc.constant('update' as const),
        name: fc.constant(name),
        id,
        body: body(name),
      }),
      fc.record({ op: fc.constant('batch' as const), name: fc.constant(name), body: body(name) }),
      fc.record({ op: fc.constant('delete' as const), name: fc.constant(name), id }),
    ),
  );

  it(
    'never answers 5xx, always in the envelope, and a refused write changes nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(operation, async (operation) => {
          const auth = { Authorization: `Bearer ${token}` };
          const itemId =
            'id' in operation
              ? operation.id === '<seeded>'
                ? ids[Math.abs(hash(operation.name)) % ids.length]
                : operation.id
              : '';
          const path = `/items/${operation.name}`;
          const itemPath = `${path}/${enc(itemId)}`;
          const send = (test: request.Test, payload: unknown) =>
            typeof payload === 'string'
              ? test.set('content-type', 'application/json').send(payload)
              : test.send(payload as object);
          const before = await snapshot();
          let response: request.Response;
          switch (operation.op) {
            case 'list':
              response = await http.get(`${path}?${operation.query}`).set(auth);
              break;
            case 'get':
              response = await http.get(`${itemPath}?${operation.query}`).set(auth);
              break;
            case 'create':
              response = await send(http.post(path).set(auth), operation.body);
              break;
            case 'update':
              response = await send(http.patch(itemPath).set(auth), operation.body);
              break;
            case 'batch':
              response = await send(http.patch(path).set(auth), operation.body);
              break;
            case 'delete':
              response = await http.delete(itemPath).set(auth);
              break;
          }
          const seen = { operation, status: response.status, body: response.body };
          expect(seen.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(seen.body).toEqual({
              errors: [
                expect.objectContaining({
                  message: expect.any(String),
                  extensions: expect.objectContaining({ code: expect.any(String) }),
                }),
              ],
            });
            if (operation.op !== 'list' && operation.op !== 'get') {
              expect({ operation, rows: await snapshot() }).toEqual({ operation, rows: before });
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 250),
  );
});

function enc(text: string): string {
  return encodeURIComponent(text);
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h;
}
