import request from 'supertest';
import { DataSource } from 'typeorm';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * What a careless client or a hostile partner sends: each must be a 400 (or 401) in the
 * Directus envelope naming the field or parameter, and nothing may be written.
 */
describe('hostile input', () => {
  const GTIN = '09506000134352';
  const PRODUCT = encodeURIComponent(`/01/${GTIN}`);
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let token: string;
  let db: DataSource;

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const counts = async () =>
    db.query(
      `SELECT (SELECT count(*) FROM product) AS product, (SELECT count(*) FROM domain) AS domain,
              (SELECT count(*) FROM code_pool) AS code_pool,
              (SELECT count(*) FROM identifier_job) AS identifier_job,
              (SELECT md5(string_agg(p::text, ',' ORDER BY id)) FROM product p) AS products`,
    );

  function expectRefused(response: request.Response, status: number, mention: string | RegExp) {
    expect({ status: response.status, body: response.body }).toMatchObject({
      status,
      body: { errors: [{ message: expect.any(String), extensions: { code: expect.any(String) } }] },
    });
    expect(response.body.errors[0].message).toMatch(mention);
  }

  beforeAll(async () => {
    gateway = await createGatewayTestApp('hostile');
    http = request(gateway.app.getHttpServer());
    db = gateway.app.get(DataSource);
    const created = await http
      .post('/users')
      .set({ Authorization: `Bearer ${gateway.adminToken}` })
      .send({ email: 'careless@example.com', account_name: 'Careless Co' })
      .expect(200);
    token = created.body.data.token;
    await http.post('/items/product').set(auth()).send({ gtin: GTIN }).expect(200);
  });

  afterAll(async () => gateway?.close());

  it.each([
    [
      'a NUL in a created string',
      'post',
      '/items/product',
      { gtin: '09506000134369', product_name: 'a\u0000b' },
      'product_name',
    ],
    [
      'a NUL in an updated string',
      'patch',
      `/items/product/${PRODUCT}`,
      { product_name: '\u0000' },
      'product_name',
    ],
    [
      'a NUL inside a JSON field',
      'patch',
      `/items/product/${PRODUCT}`,
      { translations: [{ language: '\u0000' }] },
      'translations[0].language',
    ],
    [
      'an integer beyond its column',
      'post',
      '/items/code_pool',
      {
        product: `/01/${GTIN}`,
        code_type: 'sgtin',
        min_unassigned: 2147483648,
        refill_quantity: 10,
      },
      'min_unassigned',
    ],
    [
      'a bigint beyond its column',
      'post',
      '/items/identifier_job',
      { product: `/01/${GTIN}`, quantity: 1, sscc_start_serial: 1e30 },
      'sscc_start_serial',
    ],
    ['a string longer than its field', 'post', '/items/domain', { host: 'a'.repeat(300) }, 'host'],
    [
      'odd types in a PATCH',
      'patch',
      `/items/product/${PRODUCT}`,
      { net_weight: '12', third_party_product: 'yes', nutrients: 'x' },
      'net_weight',
    ],
  ] as const)(
    '%s is a 400 naming the field, with nothing written',
    async (_name, method, path, body, field) => {
      const before = await counts();
      const response = await http[method](path).set(auth()).send(body);
      expectRefused(response, 400, field);
      expect(await counts()).toEqual(before);
    },
  );

  it.each([
    ['a NUL in a filter value', '/items/unique_code?filter[code][_eq]=%00', 'filter[code][_eq]'],
    ['an empty filter value', '/items/unique_code?filter[code][_eq]=', 'filter[code][_eq]'],
    ['a sparse _in list', '/items/unique_code?filter[code][_in][999]=x', 'filter[code][_in]'],
    ['a NUL in search', '/items/product?search=%00', 'search'],
    ['a NUL in a path id', '/items/product/%00', '"id"'],
    ['a NUL in a uuid path id', '/items/domain/%00', '"id"'],
  ])('%s is a 400 naming the parameter', async (_name, path, mention) => {
    expectRefused(await http.get(path).set(auth()), 400, mention);
  });

  describe('/users', () => {
    const admin = () => ({ Authorization: `Bearer ${gateway.adminToken}` });
    const users = async () =>
      db.query(
        `SELECT count(*)::int AS n, md5(string_agg(u::text, ',' ORDER BY id)) AS rows FROM app_user u`,
      );

    it.each([
      ['a NUL in the email', { email: 'a\u0000@example.com', account_name: 'X' }, 'email'],
      [
        'a NUL in a name',
        { email: 'n@example.com', account_name: 'X', first_name: 'a\u0000' },
        'first_name',
      ],
      [
        'a NUL in the token',
        { email: 't@example.com', account_name: 'X', token: `${'t'.repeat(20)}\u0000` },
        'token',
      ],
      [
        'an over-long token',
        { email: 'l@example.com', account_name: 'X', token: 't'.repeat(100_000) },
        'token',
      ],
      [
        'an over-long email',
        { email: `${'e'.repeat(300)}@example.com`, account_name: 'X' },
        'email',
      ],
      [
        'a NUL in the account name',
        { email: 'c@example.com', account_name: 'X\u0000' },
        'account_name',
      ],
      ['a number as the email', { email: 12, account_name: 'X' }, 'email'],
    ] as const)(
      'POST with %s is a 400 naming the field, nobody created',
      async (_n, body, field) => {
        const before = await users();
        expectRefused(await http.post('/users').set(admin()).send(body), 400, field);
        expect(await users()).toEqual(before);
      },
    );

    it.each([
      ['a NUL in a name', { first_name: 'a\u0000' }, 'first_name'],
      ['an over-long name', { last_name: 'x'.repeat(1000) }, 'last_name'],
      ['a NUL in the password', { password: 'password\u0000' }, 'password'],
      ['an object as the password', { password: { $gt: '' } }, 'password'],
    ] as const)('PATCH /users/me with %s is a 400, nothing changed', async (_n, body, field) => {
      const before = await users();
      expectRefused(await http.patch('/users/me').set(auth()).send(body), 400, field);
      expect(await users()).toEqual(before);
    });

    it('a NUL or a non-uuid user id is refused without a 5xx', async () => {
      for (const id of ['%00', 'not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
        const response = await http.patch(`/users/${id}`).set(admin()).send({ first_name: 'x' });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body.errors[0].extensions.code).toEqual(expect.any(String));
      }
    });
  });

  it('PATCH and DELETE of a NUL path id are 400s', async () => {
    expectRefused(await http.patch('/items/product/%00').set(auth()).send({}), 400, '"id"');
    expectRefused(await http.delete('/items/product/%00').set(auth()), 400, '"id"');
  });

  it('a body cut off in the middle is a 400, nothing written', async () => {
    const before = await counts();
    const response = await http
      .post('/items/product')
      .set(auth())
      .set('content-type', 'application/json')
      .send('{"gtin":"09506000134369","translations":');
    expectRefused(response, 400, 'not valid JSON');
    expect(await counts()).toEqual(before);
  });

  it('a NUL in a GraphQL mutation is a refusal naming the field, not a 500', async () => {
    const response = await http
      .post('/graphql')
      .set(auth())
      .send({
        query: `mutation { update_product_item(id: "/01/${GTIN}", data: { product_name: "a\\u0000b" }) { id } }`,
      });
    expect(response.status).toBeLessThan(500);
    expect(JSON.stringify(response.body.errors)).toMatch(/product_name/);
  });

  it('"Bearer <token> extra" is a 401', async () => {
    const response = await http.get('/items/product').set('Authorization', `Bearer ${token} extra`);
    expectRefused(response, 401, /Bearer/);
  });
});
