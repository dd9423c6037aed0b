import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashToken } from '@sid/accounts';
import { runMigrations } from '@sid/shared/database';
import { JobQueue, QueueName } from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { AppModule } from '../app.module';

/**
 * The gateway's side of codes moving through their life cycle and of pools: Directus' batch
 * `PATCH /items/unique_code` (keys, query, list of items), the single PATCH, pool policies with
 * their levels, and a reservation's codes, over HTTP against the real AppModule.
 */
const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;
const TOKEN = randomBytes(24).toString('hex');
const OTHER_TOKEN = randomBytes(24).toString('hex');

let database: TestDatabase;
let app: NestExpressApplication;
let db: DataSource;
let account: string;
let otherAccount: string;

beforeAll(async () => {
  database = await createTestDatabase('gateway_batch');
  await runMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  app.set('query parser', 'extended');
  app.useBodyParser('json');
  await app.init();
  db = app.get(DataSource);
  account = await seedAccount('Brand', TOKEN, 'id.brand.test');
  otherAccount = await seedAccount('Other', OTHER_TOKEN, 'id.other.test');
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    PRODUCT,
    GTIN,
    account,
  ]);
});

afterAll(async () => {
  if (app) {
    const queues = app.get(JobQueue);
    for (const name of Object.values(QueueName))
      await queues.queue(name).obliterate({ force: true });
    await app.close();
  }
  await database?.drop();
});

async function seedAccount(name: string, token: string, host: string): Promise<string> {
  const [{ id }] = await db.query(`INSERT INTO account (name) VALUES ($1) RETURNING id`, [name]);
  await db.query(`INSERT INTO app_user (account, email, token_hash) VALUES ($1, $2, $3)`, [
    id,
    `api@${host}`,
    hashToken(token),
  ]);
  await db.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, $2, true)`, [
    id,
    host,
  ]);
  return id;
}

/** A reservation holding `count` fresh codes (rows written directly: the claim is tested elsewhere). */
async function reservationWith(
  count: number,
  owner = account,
): Promise<{ id: string; codes: string[] }> {
  const product = owner === account ? PRODUCT : null;
  const [{ id }] = await db.query(
    `INSERT INTO code_reservation (account, quantity, quantity_reserved, code_type, product, status)
     VALUES ($1, $2, $2, $3, $4, 'in_progress') RETURNING id`,
    [owner, count, product ? 'sgtin' : 'short_code', product],
  );
  const rows: { id: string }[] = await db.query(
    `INSERT INTO unique_code (account, code, type, product, digital_link, status, reservation)
     SELECT $1, $5 || g, $2, $3, 'https://id.brand.test/01/${GTIN}/21/' || $5 || g, 'reserved', $4
     FROM generate_series(1, $6::int) g
     RETURNING id`,
    [owner, product ? 'sgtin' : 'short_code', product, id, randomBytes(3).toString('hex'), count],
  );
  return { id, codes: rows.map((r) => r.id).sort() };
}

async function statuses(ids: string[]): Promise<Record<string, number>> {
  const rows: { status: string; n: number }[] = await db.query(
    `SELECT status, count(*)::int AS n FROM unique_code WHERE id = ANY($1) GROUP BY status`,
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const patch = (path: string, token = TOKEN) =>
  request(app.getHttpServer()).patch(path).set('Authorization', `Bearer ${token}`);
const get = (path: string, token = TOKEN) =>
  request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
const post = (path: string) =>
  request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${TOKEN}`);

describe('PATCH /items/unique_code (batch)', () => {
  it('with keys: moves every code and answers the updated items', async () => {
    const { codes } = await reservationWith(5);

    const response = await patch('/items/unique_code?fields=id,status&sort=id').send({
      keys: codes,
      data: { status: 'assigned' },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: codes.map((id) => ({ id, status: 'assigned' })) });
    expect(await statuses(codes)).toEqual({ assigned: 5 });
  });

  it('sorts, offsets and limits the answer over every updated item', async () => {
    const { codes } = await reservationWith(5);

    const response = await patch('/items/unique_code?fields=id&sort=-id&limit=2&offset=1').send({
      keys: codes,
      data: { status: 'assigned' },
    });

    expect(response.status).toBe(200);
    const descending = [...codes].reverse();
    expect(response.body.data).toEqual([{ id: descending[1] }, { id: descending[2] }]);
  });

  it('moves a reservation of 150,000 codes in one request', async () => {
    const { id } = await reservationWith(150_000);

    const response = await patch('/items/unique_code?fields=id&limit=1').send({
      query: { filter: { reservation: { _eq: id } } },
      data: { status: 'assigned' },
    });

    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(1);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE reservation = $1 AND status = 'assigned'`,
      [id],
    );
    expect(n).toBe(150_000);
  });

  it('with a query filter: the matching codes of the caller only', async () => {
    const mine = await reservationWith(4);
    const theirs = await reservationWith(4, otherAccount);

    const response = await patch('/items/unique_code?fields=id').send({
      query: {
        filter: { status: { _eq: 'reserved' }, reservation: { _in: [mine.id, theirs.id] } },
      },
      data: { status: 'assigned' },
    });

    expect(response.status).toBe(200);
    expect(response.body.data.map((c: { id: string }) => c.id).sort()).toEqual(mine.codes);
    expect(await statuses(mine.codes)).toEqual({ assigned: 4 });
    expect(await statuses(theirs.codes)).toEqual({ reserved: 4 });
  });

  it('with a list of items, each its own changes, all or nothing', async () => {
    const { codes } = await reservationWith(4);
    const ok = await patch('/items/unique_code?fields=id,status,custom_id&sort=id').send([
      { id: codes[0], status: 'assigned' },
      { id: codes[1], custom_id: 'pallet-7' },
      { status: 'assigned', id: codes[2] },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual([
      { id: codes[0], status: 'assigned', custom_id: null },
      { id: codes[1], status: 'reserved', custom_id: 'pallet-7' },
      { id: codes[2], status: 'assigned', custom_id: null },
    ]);

    const refused = await patch('/items/unique_code').send([
      { id: codes[3], status: 'assigned' },
      { id: codes[0], status: 'reserved' },
    ]);
    expect(refused.status).toBe(400);
    expect(await statuses([codes[3]])).toEqual({ reserved: 1 });
  });

  it('refuses a backward move or a skip with a 400 naming the code and both statuses, and changes nothing', async () => {
    const { codes } = await reservationWith(6);
    await patch(`/items/unique_code/${codes[2]}`).send({ status: 'assigned' }).expect(200);
    await patch(`/items/unique_code/${codes[2]}`).send({ status: 'encoded' }).expect(200);
    const [{ code }] = await db.query(`SELECT code FROM unique_code WHERE id = $1`, [codes[2]]);

    const response = await patch('/items/unique_code').send({
      keys: codes,
      data: { status: 'assigned' },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toContain(
      `Code "${code}" cannot move from "encoded" to "assigned"`,
    );
    expect(response.body.errors[0].extensions).toEqual({
      code: 'INVALID_PAYLOAD',
      unique_code: code,
      from: 'encoded',
      to: 'assigned',
    });
    expect(await statuses(codes)).toEqual({ reserved: 5, encoded: 1 });
    const skip = await patch(`/items/unique_code/${codes[0]}`).send({ status: 'encoded' });
    expect(skip.status).toBe(400);
    expect(skip.body.errors[0].message).toMatch(/cannot move from "reserved" to "encoded"/);
  });

  it('a key of another account is a 403 and nothing changes', async () => {
    const mine = await reservationWith(2);
    const theirs = await reservationWith(1, otherAccount);
    const response = await patch('/items/unique_code').send({
      keys: [...mine.codes, ...theirs.codes],
      data: { status: 'assigned' },
    });
    expect(response.status).toBe(403);
    expect(await statuses(mine.codes)).toEqual({ reserved: 2 });
  });

  it.each([
    [{ data: { status: 'assigned' } }, /either "keys" or "query"/],
    [{ query: {}, data: { status: 'assigned' } }, /needs a "filter"/],
    [
      { query: { filter: { status: { _eq: 'reserved' } }, limit: 5 }, data: {} },
      /"query.limit" is not supported/,
    ],
    [{ keys: [], data: { status: 'assigned' } }, /"keys" must be a non-empty list/],
    [
      { keys: ['00000000-0000-4000-8000-000000000000'], data: { status: 'sold' } },
      /"status": must be one of/,
    ],
    [[{ status: 'assigned' }], /Item \[0\] needs its "id"/],
  ])('refuses the body %j', async (body, message) => {
    const response = await patch('/items/unique_code').send(body);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toMatch(message);
  });

  it('a collection without batch updates says so', async () => {
    const response = await patch('/items/product').send({
      keys: [PRODUCT],
      data: { product_name: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toMatch(/one item at a time/);
  });
});

describe('pools through the API', () => {
  it('manages a pool policy at /items/code_pool and reads its level', async () => {
    const created = await post('/items/code_pool').send({
      product: PRODUCT,
      min_unassigned: 10,
      refill_quantity: 50,
    });
    expect(created.status).toBeLessThan(300);
    expect(created.body.data).toMatchObject({
      product: PRODUCT,
      min_unassigned: 10,
      unassigned_count: 0,
      refill_job: null,
    });
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link)
       SELECT $1, 'POOL' || g, 'sgtin', $2, 'x' FROM generate_series(1, 12) g`,
      [account, PRODUCT],
    );

    const read = await get(
      `/items/code_pool?fields=id,unassigned_count,min_unassigned&filter[product][_eq]=${encodeURIComponent(PRODUCT)}`,
    );
    expect(read.body.data).toEqual([
      { id: created.body.data.id, unassigned_count: 12, min_unassigned: 10 },
    ]);
    const below = await get('/items/code_pool?fields=id&filter[unassigned_count][_lt]=11');
    expect(below.body.data).toEqual([]);
    const updated = await patch(
      `/items/code_pool/${created.body.data.id}?fields=min_unassigned,unassigned_count`,
    ).send({
      min_unassigned: 20,
    });
    expect(updated.body.data).toEqual({ min_unassigned: 20, unassigned_count: 12 });
    expect((await get('/items/code_pool', OTHER_TOKEN)).body.data).toEqual([]);
  });

  it('reads pool levels of every product and status with aggregate and groupBy', async () => {
    await db.query(
      `INSERT INTO unique_code (account, code, type, product, digital_link)
       SELECT $1, 'LEVEL' || g, 'sgtin', $2, 'x' FROM generate_series(1, 3) g`,
      [account, PRODUCT],
    );
    const expected = await db.query(
      `SELECT product, status, count(*)::int AS count FROM unique_code WHERE account = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [account],
    );
    expect(expected.length).toBeGreaterThan(1);

    const response = await get(
      '/items/unique_code?aggregate[count]=*&groupBy[]=product&groupBy[]=status',
    );

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(expected);
  });
});

it('GET /items/code_reservation/<id>?fields=codes.code,codes.digital_link lists its codes', async () => {
  const { id, codes } = await reservationWith(3);
  const response = await get(`/items/code_reservation/${id}?fields=codes.code,codes.digital_link`);
  const rows = await db.query(
    `SELECT code, digital_link FROM unique_code WHERE id = ANY($1) ORDER BY id`,
    [codes],
  );
  expect(response.status).toBe(200);
  expect(response.body.data).toEqual({ codes: rows });
});
