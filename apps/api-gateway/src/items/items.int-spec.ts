import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/** The Directus item API over HTTP, in-process: CRUD, query parameters, tenants, errors. */
describe('items API', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let admin: string;
  let partner: { token: string; account: string };

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gateway = await createGatewayTestApp('items');
    http = request(gateway.app.getHttpServer());
    admin = gateway.adminToken;
    const created = await http
      .post('/users')
      .set(auth(admin))
      .send({ email: 'printer@example.com', first_name: 'Pat', account_name: 'Printer Co' })
      .expect(200);
    partner = { token: created.body.data.token, account: created.body.data.account };
  });
  afterAll(() => gateway?.close());

  it('creates, reads, updates and deletes a product by its encoded Digital Link id', async () => {
    const created = await http
      .post('/items/product')
      .set(auth(admin))
      .send({
        gtin: '4006381333931',
        product_name: 'Pencil',
        net_weight: 12.5,
        finished_product: true,
      })
      .expect(200);
    expect(created.body.data).toMatchObject({
      id: '/01/04006381333931',
      gtin: '04006381333931',
      digital_link: 'https://id.test.example/01/04006381333931',
      net_weight: 12.5,
      finished_product: true,
    });
    expect(created.body.data.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const path = `/items/product/${encodeURIComponent('/01/04006381333931')}`;
    const updated = await http
      .patch(`${path}?fields=product_name,user_updated.email,date_updated`)
      .set(auth(admin))
      .send({ product_name: 'Pencil HB' })
      .expect(200);
    expect(updated.body.data).toMatchObject({
      product_name: 'Pencil HB',
      user_updated: { email: 'admin@example.com' },
    });
    expect(updated.body.data.date_updated).not.toBeNull();

    await http.get('/items/product//01/04006381333931?fields=id').set(auth(admin)).expect(200);
    await http.delete(path).set(auth(admin)).expect(204);
    await http.get(path).set(auth(admin)).expect(403);
  });

  it('answers the Directus query parameters', async () => {
    for (const gtin of ['09506000134352', '00012345600012', '96385074']) {
      await http
        .post('/items/product')
        .set(auth(admin))
        .send({ gtin, product_name: `P-${gtin}` })
        .expect(200);
    }
    const list = await http
      .get('/items/product')
      .query(
        'fields=gtin,user_created.first_name&sort=-gtin&limit=2&meta=total_count,filter_count&filter[gtin][_neq]=09506000134352',
      )
      .set(auth(admin))
      .expect(200);
    expect(list.body).toEqual({
      data: [
        { gtin: '00012345600012', user_created: { first_name: 'Admin' } },
        { gtin: '00000096385074', user_created: { first_name: 'Admin' } },
      ],
      meta: { total_count: 3, filter_count: 2 },
    });
    const json = await http
      .get('/items/product')
      .query({
        filter: JSON.stringify({
          _or: [{ gtin: { _eq: '09506000134352' } }, { product_name: { _contains: '9638' } }],
        }),
        fields: 'gtin',
        sort: 'gtin',
      })
      .set(auth(admin))
      .expect(200);
    expect(json.body.data).toEqual([{ gtin: '00000096385074' }, { gtin: '09506000134352' }]);
    const page = await http
      .get('/items/product?fields=gtin&sort=gtin&limit=1&page=2')
      .set(auth(admin))
      .expect(200);
    expect(page.body.data).toEqual([{ gtin: '00012345600012' }]);
    const search = await http
      .get('/items/product?fields=gtin&search=P-0001')
      .set(auth(admin))
      .expect(200);
    expect(search.body.data).toEqual([{ gtin: '00012345600012' }]);
    const bad = await http.get('/items/product?sort=nope').set(auth(admin)).expect(400);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_QUERY');
  });

  it('sends a list as JSON with the items PostgreSQL wrote, equal to the items read one by one', async () => {
    const fields = 'id,gtin,net_weight,finished_product,date_created,user_created.email';
    const list = await http
      .get(`/items/product?fields=${fields}&sort=gtin&limit=3&meta=filter_count`)
      .set(auth(admin))
      .expect(200)
      .expect('Content-Type', 'application/json; charset=utf-8');
    expect(list.headers.etag).toMatch(/^W\/"/);
    expect(list.body.meta).toEqual({ filter_count: expect.any(Number) });
    expect(list.body.data.length).toBeGreaterThan(1);
    for (const item of list.body.data) {
      const one = await http
        .get(`/items/product/${encodeURIComponent(item.id)}?fields=${fields}`)
        .set(auth(admin))
        .expect(200);
      expect(item).toEqual(one.body.data);
    }
    const none = await http.get('/items/product?limit=0').set(auth(admin)).expect(200);
    expect(none.body).toEqual({ data: [] });
  });

  it('keeps each account to its own items', async () => {
    const own = await http
      .post('/items/product')
      .set(auth(partner.token))
      .send({ gtin: '80614141123458' })
      .expect(200);
    expect(own.body.data.account).toBe(partner.account);

    const seen = await http
      .get('/items/product?fields=id&limit=-1')
      .set(auth(partner.token))
      .expect(200);
    expect(seen.body.data).toEqual([{ id: '/01/80614141123458' }]);
    const others = encodeURIComponent('/01/09506000134352');
    await http.get(`/items/product/${others}`).set(auth(partner.token)).expect(403);
    await http
      .patch(`/items/product/${others}`)
      .set(auth(partner.token))
      .send({ product_name: 'x' })
      .expect(403);
    await http.delete(`/items/product/${others}`).set(auth(partner.token)).expect(403);
    const job = await http
      .post('/items/identifier_job')
      .set(auth(partner.token))
      .send({ product: '/01/09506000134352', quantity: 10 })
      .expect(400);
    expect(job.body.errors[0].message).toBe('Product "/01/09506000134352" does not exist.');

    const me = await http
      .get('/users/me?fields=email,account')
      .set(auth(partner.token))
      .expect(200);
    expect(me.body.data).toEqual({ email: 'printer@example.com', account: partner.account });
    await http
      .post('/users')
      .set(auth(partner.token))
      .send({ email: 'x@example.com', account_name: 'X' })
      .expect(403);
  });

  it('validates organisations and domains, and keeps one default domain per account', async () => {
    const badGln = await http
      .post('/items/organisation')
      .set(auth(admin))
      .send({ id: '/417/9312345000013', name: 'X' })
      .expect(400);
    expect(badGln.body.errors[0].message).toMatch(/GLN "9312345000013" has a wrong check digit/);
    await http
      .post('/items/organisation')
      .set(auth(admin))
      .send({ id: '/417/9312345000012', name: 'Brand' })
      .expect(200);
    const dup = await http
      .post('/items/organisation')
      .set(auth(admin))
      .send({ id: '/417/9312345000012', name: 'Again' })
      .expect(400);
    expect(dup.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');

    await http
      .post('/items/domain')
      .set(auth(admin))
      .send({ host: 'links.brand.example', is_default: true })
      .expect(200);
    const defaults = await http
      .get('/items/domain?fields=host&filter[is_default][_eq]=true')
      .set(auth(admin))
      .expect(200);
    expect(defaults.body.data).toEqual([{ host: 'links.brand.example' }]);
    const product = await http
      .post('/items/product')
      .set(auth(admin))
      .send({ gtin: '00614141000005' })
      .expect(200);
    expect(product.body.data.digital_link).toBe('https://links.brand.example/01/00614141000005');
    await http
      .post('/items/domain')
      .set(auth(admin))
      .send({ host: 'HTTPS://Bad Host/' })
      .expect(400);
  });

  it('moves a code forward one step at a time and names both statuses otherwise', async () => {
    const code = await http
      .post('/items/unique_code')
      .set(auth(admin))
      .send({ code: 'MANUAL01', product: '/01/09506000134352', type: 'sgtin' })
      .expect(200);
    expect(code.body.data).toMatchObject({
      status: 'unassigned',
      digital_link: 'https://links.brand.example/01/09506000134352/21/MANUAL01',
      epc_join_key: '09506000134352-MANUAL01',
    });
    const skip = await http
      .patch(`/items/unique_code/${code.body.data.id}`)
      .set(auth(admin))
      .send({ status: 'encoded' })
      .expect(400);
    expect(skip.body.errors[0].message).toMatch(
      /"MANUAL01" cannot move from "unassigned" to "encoded"/,
    );
    await http
      .post('/items/unique_code')
      .set(auth(admin))
      .send({ code: 'MANUAL01', product: '/01/09506000134352' })
      .expect(400);
  });

  it('registers a code under an identifier job of the caller’s own only, and refuses what no link can carry', async () => {
    const job = await http
      .post('/items/identifier_job')
      .set(auth(admin))
      .send({ product: '/01/09506000134352', quantity: 10 })
      .expect(200);
    const foreign = await http
      .post('/items/unique_code')
      .set(auth(partner.token))
      .send({ code: 'TAKEOVER1', type: 'short_code', identifier_job: job.body.data.id })
      .expect(400);
    expect(foreign.body.errors[0].extensions).toEqual({
      code: 'INVALID_PAYLOAD',
      field: 'identifier_job',
    });
    const otherType = await http
      .post('/items/unique_code')
      .set(auth(admin))
      .send({ code: 'OTHERTYPE1', type: 'short_code', identifier_job: job.body.data.id })
      .expect(400);
    expect(otherType.body.errors[0].extensions.field).toBe('identifier_job');
    await http
      .post('/items/unique_code')
      .set(auth(admin))
      .send({
        code: 'OWNJOB01',
        product: '/01/09506000134352',
        type: 'sgtin',
        identifier_job: job.body.data.id,
      })
      .expect(200);

    const surrogate = await http
      .post('/items/unique_code')
      .set(auth(admin))
      .send({ code: 'lone\ud800', type: 'short_code' })
      .expect(400);
    expect(surrogate.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
  });

  it('refuses unknown collections and unauthenticated calls in the envelope', async () => {
    // As in Directus: a missing collection looks exactly like a forbidden one.
    const forbidden = {
      errors: [
        { message: "You don't have permission to access this.", extensions: { code: 'FORBIDDEN' } },
      ],
    };
    for (const path of ['/items/secrets', '/items/users', '/items/secrets/1']) {
      const unknown = await http.get(path).set(auth(admin)).expect(403);
      expect(unknown.body).toEqual(forbidden);
    }
    await http.post('/items/secrets').set(auth(admin)).send({}).expect(403, forbidden);
    await http.patch('/items/secrets/x').set(auth(admin)).send({}).expect(403, forbidden);
    await http.delete('/items/secrets/x').set(auth(admin)).expect(403, forbidden);
    const anonymous = await http.get('/items/product').expect(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    await http.get('/server/ping').expect(200, 'pong');
  });

  it('refuses an id that is not a UUID alike for reads, updates and deletes', async () => {
    const expected = {
      errors: [
        { message: '"id" must be a UUID, got "xyz".', extensions: { code: 'INVALID_QUERY' } },
      ],
    };
    for (const collection of ['code_reservation', 'identifier_job', 'code_pool', 'unique_code']) {
      const read = await http.get(`/items/${collection}/xyz`).set(auth(admin)).expect(400);
      expect(read.body).toEqual(expected);
      const update = await http
        .patch(`/items/${collection}/xyz`)
        .set(auth(admin))
        .send({ reference_id: 'a' })
        .expect(400);
      expect(update.body).toEqual(expected);
      const remove = await http.delete(`/items/${collection}/xyz`).set(auth(admin)).expect(400);
      expect(remove.body).toEqual(expected);
    }
  });

  it('answers a body the parser cannot read as the caller’s error, in the envelope', async () => {
    const post = (contentType: string, body: string) =>
      http.post('/items/product').set(auth(admin)).set('Content-Type', contentType).send(body);

    const invalid = await post('application/json', '{"gtin": ').expect(400);
    expect(invalid.body.errors[0]).toEqual({
      message: 'The request body is not valid JSON.',
      extensions: { code: 'INVALID_PAYLOAD' },
    });
    const charset = await post('application/json; charset=latin-9', '{}').expect(415);
    expect(charset.body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(charset.body.errors[0].message).toMatch(/charset/i);
    const encoded = await http
      .post('/items/product')
      .set(auth(admin))
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br2')
      .send('{}')
      .expect(415);
    expect(encoded.body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const large = await post('application/json', JSON.stringify({ gtin: 'x'.repeat(6_000_000) }));
    expect(large.status).toBe(413);
    expect(large.body.errors[0]).toEqual({
      message: 'The request body is too large.',
      extensions: { code: 'REQUEST_TOO_LARGE' },
    });
  });
});
