import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * Two partner accounts, A and B, over HTTP only. For every collection and every reference field
 * a partner can write, B tries to read, change, delete and point at A's items, over REST, batch
 * PATCH and GraphQL. Each attempt must be answered exactly as the same attempt on an id that
 * does not exist (no existence oracle), and must leave A's rows untouched.
 */
describe('tenancy', () => {
  const GTIN_A = '09506000134352';
  const GTIN_B = '09506000134369';
  const GTIN_NEW = '09506000134376';
  const GTIN_MISSING = '09506000134383';
  const GLN_A = '/417/9506000134352';
  const GLN_MISSING = '/417/9506000134369';
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let tokenA: string;
  let tokenB: string;
  /** A's items, by collection. */
  const a: Record<string, string> = {};
  let codeB: string;
  let fileA: string;

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const snapshot = async () =>
    db.query(
      `SELECT t, md5(string_agg(r, ',' ORDER BY r)) AS sum, count(*) AS n FROM (
         SELECT 'product' t, p::text r FROM product p UNION ALL
         SELECT 'organisation', o::text FROM organisation o UNION ALL
         SELECT 'domain', d::text FROM domain d UNION ALL
         SELECT 'identifier_job', j::text FROM identifier_job j UNION ALL
         SELECT 'unique_code', c::text FROM unique_code c UNION ALL
         SELECT 'code_reservation', r::text FROM code_reservation r UNION ALL
         SELECT 'code_pool', cp::text FROM code_pool cp UNION ALL
         SELECT 'webhook', w::text FROM webhook w UNION ALL
         SELECT 'webhook_delivery', wd::text FROM webhook_delivery wd UNION ALL
         SELECT 'file', f::text FROM file f) rows GROUP BY t ORDER BY t`,
    );
  /** An answer with the probed id blanked out, for comparing a foreign id with a missing one. */
  const answer = (response: request.Response, ...ids: string[]) => {
    let text = JSON.stringify(response.body);
    for (const id of ids) text = text.split(id).join('<id>');
    return { status: response.status, body: JSON.parse(text) as unknown };
  };

  beforeAll(async () => {
    gateway = await createGatewayTestApp('tenancy');
    http = request(gateway.app.getHttpServer());
    db = gateway.app.get(DataSource);
    const admin = as(gateway.adminToken);
    const user = async (email: string, account_name: string) =>
      (await http.post('/users').set(admin).send({ email, account_name }).expect(200)).body.data;
    const userA = await user('a@example.com', 'Account A');
    tokenA = userA.token;
    tokenB = (await user('b@example.com', 'Account B')).token;
    const create = async (token: string, collection: string, body: object) => {
      const response = await http.post(`/items/${collection}`).set(as(token)).send(body);
      expect({ collection, status: response.status, body: response.body }).toMatchObject({
        status: 200,
      });
      return response.body.data.id as string;
    };
    a.product = await create(tokenA, 'product', { gtin: GTIN_A });
    a.organisation = await create(tokenA, 'organisation', { id: GLN_A, name: 'A Org' });
    a.domain = await create(tokenA, 'domain', { host: 'id.a.example' });
    a.identifier_job = await create(tokenA, 'identifier_job', { product: a.product, quantity: 5 });
    a.code_reservation = await create(tokenA, 'code_reservation', {
      product: a.product,
      quantity: 1,
    });
    a.code_pool = await create(tokenA, 'code_pool', {
      product: a.product,
      code_type: 'sgtin',
      min_unassigned: 1,
      refill_quantity: 1,
    });
    a.unique_code = await create(tokenA, 'unique_code', { code: 'A1', product: a.product });
    a.webhook = await create(tokenA, 'webhook', {
      url: 'http://127.0.0.1:9/a',
      events: ['export.ready'],
    });
    // Deliveries are made by the worker only: one of A's, as its fan-out would write it.
    [{ id: a.webhook_delivery }] = await db.query(
      `WITH e AS (
         INSERT INTO event_outbox (event, account, subject) VALUES ('export.ready', $1, 'r-1')
         RETURNING id, account, event)
       INSERT INTO webhook_delivery (account, webhook, event_id, event)
       SELECT e.account, $2, e.id, e.event FROM e RETURNING id`,
      [userA.account, a.webhook],
    );
    [{ id: fileA }] = await db.query(
      `INSERT INTO file (account, storage_key, filename_download, type, filesize)
       VALUES ($1, 'tenancy/a.csv', 'a.csv', 'text/csv', 1) RETURNING id`,
      [userA.account],
    );
    await create(tokenB, 'product', { gtin: GTIN_B });
    codeB = await create(tokenB, 'unique_code', { code: 'B1', product: `/01/${GTIN_B}` });
  });

  afterAll(async () => gateway?.close());

  /** An id of the same shape as A's that exists nowhere. */
  const missing: Record<string, string> = {
    product: `/01/${GTIN_MISSING}`,
    organisation: GLN_MISSING,
  };
  const missingId = (collection: string) => missing[collection] ?? randomUUID();
  const COLLECTIONS = [
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
  /** A change B might try on A's item: one the collection would take from A. */
  const CHANGES: Record<string, object> = {
    organisation: { name: 'mine' },
    webhook: { active: false },
    webhook_delivery: { status: 'delivered' },
  };

  describe.each(COLLECTIONS)('%s', (collection) => {
    it("B cannot see A's item, in a list, by id or by filter", async () => {
      const list = await http.get(`/items/${collection}`).set(as(tokenB)).expect(200);
      expect(list.body.data.map((item: { id: string }) => item.id)).not.toContain(a[collection]);
      const filtered = await http
        .get(`/items/${collection}`)
        .query({ filter: JSON.stringify({ id: { _eq: a[collection] } }) })
        .set(as(tokenB))
        .expect(200);
      expect(filtered.body.data).toEqual([]);
      const path = (id: string) => `/items/${collection}/${encodeURIComponent(id)}`;
      const foreign = await http.get(path(a[collection])).set(as(tokenB));
      const absent = await http.get(path(missingId(collection))).set(as(tokenB));
      expect(foreign.status).toBe(403);
      expect(answer(foreign, a[collection])).toEqual(answer(absent, missingId(collection)));
    });

    it("B cannot change or delete A's item, and is answered as for a missing one", async () => {
      const before = await snapshot();
      const path = (id: string) => `/items/${collection}/${encodeURIComponent(id)}`;
      const body = CHANGES[collection] ?? { reference_id: 'mine' };
      for (const method of ['patch', 'delete'] as const) {
        const foreign = await http[method](path(a[collection])).set(as(tokenB)).send(body);
        const absent = await http[method](path(missingId(collection)))
          .set(as(tokenB))
          .send(body);
        expect(foreign.status).toBeGreaterThanOrEqual(400);
        expect(foreign.status).toBeLessThan(500);
        expect(answer(foreign, a[collection])).toEqual(answer(absent, missingId(collection)));
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it("B cannot read A's file", async () => {
    for (const path of ['/files', '/assets']) {
      const foreign = await http.get(`${path}/${fileA}`).set(as(tokenB));
      const id = randomUUID();
      const absent = await http.get(`${path}/${id}`).set(as(tokenB));
      expect(foreign.status).toBe(403);
      expect(answer(foreign, fileA)).toEqual(answer(absent, id));
    }
  });

  /** [collection, the field, the collection it points into, a body pointing it at an id]. */
  const REFERENCES: [string, string, string, (id: string) => object][] = [
    ['product', 'parent_product', 'product', (id) => ({ gtin: GTIN_NEW, parent_product: id })],
    ['product', 'primary_image', 'file', (id) => ({ gtin: GTIN_NEW, primary_image: id })],
    [
      'product',
      'product_reference_document',
      'file',
      (id) => ({ gtin: GTIN_NEW, product_reference_document: id }),
    ],
    [
      'product',
      'product_manufacturer',
      'organisation',
      (id) => ({ gtin: GTIN_NEW, product_manufacturer: id }),
    ],
    ['product', 'brand_owner', 'organisation', (id) => ({ gtin: GTIN_NEW, brand_owner: id })],
    ['identifier_job', 'product', 'product', (id) => ({ product: id, quantity: 1 })],
    [
      'identifier_job',
      'domain',
      'domain',
      (id) => ({ product: `/01/${GTIN_B}`, quantity: 1, domain: id }),
    ],
    ['code_reservation', 'product', 'product', (id) => ({ product: id, quantity: 1 })],
    [
      'code_reservation',
      'reserved_for',
      'organisation',
      (id) => ({ product: `/01/${GTIN_B}`, quantity: 1, reserved_for: id }),
    ],
    [
      'code_pool',
      'product',
      'product',
      (id) => ({ product: id, code_type: 'sgtin', min_unassigned: 1, refill_quantity: 1 }),
    ],
    ['unique_code', 'product', 'product', (id) => ({ code: 'B2', product: id })],
    [
      'unique_code',
      'identifier_job',
      'identifier_job',
      (id) => ({ code: 'B3', product: `/01/${GTIN_B}`, identifier_job: id }),
    ],
  ];
  const idOf = (target: string) => (target === 'file' ? fileA : a[target]);

  it.each(REFERENCES)(
    'B creating a %s cannot point its %s at A (%s)',
    async (collection, field, target, body) => {
      const before = await snapshot();
      const absentId = missingId(target);
      const foreign = await http
        .post(`/items/${collection}`)
        .set(as(tokenB))
        .send(body(idOf(target)));
      const absent = await http.post(`/items/${collection}`).set(as(tokenB)).send(body(absentId));
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors[0].extensions.field).toBe(field);
      expect(answer(foreign, idOf(target))).toEqual(answer(absent, absentId));
      expect(await snapshot()).toEqual(before);
    },
  );

  /** A valid item of B's own for each collection a batch create takes (the batch's item 0). */
  const OWN_ITEM: Record<string, () => object> = {
    product: () => ({ gtin: '09506000134390' }),
    identifier_job: () => ({ product: `/01/${GTIN_B}`, quantity: 1 }),
    code_reservation: () => ({ product: `/01/${GTIN_B}`, quantity: 1 }),
    code_pool: () => ({
      product: `/01/${GTIN_B}`,
      code_type: 'sgtin',
      min_unassigned: 1,
      refill_quantity: 1,
    }),
  };

  it.each(REFERENCES.filter(([collection]) => OWN_ITEM[collection]))(
    "B batch-creating %s items cannot point one's %s at A (%s): nothing is stored",
    async (collection, field, target, body) => {
      const before = await snapshot();
      const absentId = missingId(target);
      const batch = (id: string) =>
        http
          .post(`/items/${collection}`)
          .set(as(tokenB))
          .send([OWN_ITEM[collection](), body(id)]);
      const foreign = await batch(idOf(target));
      const absent = await batch(absentId);
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors[0].extensions).toMatchObject({ field, item: 1 });
      expect(answer(foreign, idOf(target))).toEqual(answer(absent, absentId));
      expect(await snapshot()).toEqual(before);
    },
  );

  it("B cannot point its own items at A's by PATCH, single or batch", async () => {
    const before = await snapshot();
    const own = encodeURIComponent(`/01/${GTIN_B}`);
    const attempts: [string, (id: string) => request.Test, string][] = [
      [
        a.product,
        (id) => http.patch(`/items/product/${own}`).set(as(tokenB)).send({ parent_product: id }),
        `/01/${GTIN_MISSING}`,
      ],
      [
        fileA,
        (id) => http.patch(`/items/product/${own}`).set(as(tokenB)).send({ primary_image: id }),
        randomUUID(),
      ],
      [
        a.product,
        (id) =>
          http
            .patch('/items/product')
            .set(as(tokenB))
            .send({ keys: [`/01/${GTIN_B}`], data: { parent_product: id } }),
        `/01/${GTIN_MISSING}`,
      ],
      [
        a.code_reservation,
        (id) =>
          http
            .patch('/items/unique_code')
            .set(as(tokenB))
            .send({ keys: [codeB], data: { status: 'reserved', reservation: id } }),
        randomUUID(),
      ],
      [
        a.code_reservation,
        (id) =>
          http
            .patch(`/items/unique_code/${codeB}`)
            .set(as(tokenB))
            .send({ status: 'reserved', reservation: id }),
        randomUUID(),
      ],
    ];
    for (const [foreignId, send, absentId] of attempts) {
      const foreign = await send(foreignId);
      const absent = await send(absentId);
      expect(foreign.status).toBe(400);
      expect(answer(foreign, foreignId)).toEqual(answer(absent, absentId));
    }
    expect(await snapshot()).toEqual(before);
  });

  it("over GraphQL B neither sees A's items nor points at them", async () => {
    const gql = (query: string) => http.post('/graphql').set(as(tokenB)).send({ query });
    const read = await gql(
      `{ product { id } product_by_id(id: "${a.product}") { id } code_reservation { id } }`,
    );
    expect(read.body.data).toEqual({
      product: [{ id: `/01/${GTIN_B}` }],
      product_by_id: null,
      code_reservation: [],
    });
    const before = await snapshot();
    const create = (id: string) =>
      gql(
        `mutation { create_product_item(data: { gtin: "${GTIN_NEW}", parent_product: "${id}" }) { id } }`,
      );
    const foreign = await create(a.product);
    const absent = await create(`/01/${GTIN_MISSING}`);
    expect(foreign.body.errors?.[0].message).toMatch(/does not exist/);
    expect(answer(foreign, a.product)).toEqual(answer(absent, `/01/${GTIN_MISSING}`));
    const createMany = (id: string) =>
      gql(
        `mutation { create_product_items(data: [{ gtin: "09506000134390" }, { gtin: "${GTIN_NEW}", primary_image: "${id}" }]) { id } }`,
      );
    const absentFile = randomUUID();
    const foreignBatch = await createMany(fileA);
    const absentBatch = await createMany(absentFile);
    expect(foreignBatch.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/does not exist/),
      extensions: { field: 'primary_image', item: 1 },
    });
    expect(answer(foreignBatch, fileA)).toEqual(answer(absentBatch, absentFile));
    const update = (id: string) =>
      gql(`mutation { update_product_item(id: "${id}", data: { product_name: "mine" }) { id } }`);
    expect(answer(await update(a.product), a.product)).toEqual(
      answer(await update(`/01/${GTIN_MISSING}`), `/01/${GTIN_MISSING}`),
    );
    expect(await snapshot()).toEqual(before);
  });
});
