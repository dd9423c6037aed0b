import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { FieldNode, OperationDefinitionNode, parse } from 'graphql';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashToken } from '@sid/accounts';
import { BootstrapService } from '@sid/catalog';
import { runMigrations } from '@sid/shared/database';
import { JobQueue, QueueName } from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { AppModule } from '../app.module';
import { configureGateway } from '../gateway.setup';
import * as SPEC from './test-spec-documents';
import { withId } from './test-spec-documents';

const ADMIN_EMAIL = 'admin@graphql.test';
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const OTHER_TOKEN = `other-${randomBytes(16).toString('hex')}`;
const LINK_HOST = 'food.tvai.me';

/**
 * The unique_code example's identifier job. Its own id, f1b2c3d4-e5f6-7890-1234-567890abcdef, is
 * not an RFC 4122 UUID (version 7, variant 1), which the writers' @IsUUID refuses; a real one
 * stands in for it.
 */
const SPEC_JOB_ID = 'f1b2c3d4-e5f6-7890-1234-567890abcdef';
const JOB_ID = 'f1b2c3d4-e5f6-4890-a234-567890abcdef';
const BRAND_ID = '0b789868-2863-4d41-aa6f-b2585020ae08';
const PRODUCT_ID = '/01/00053893430744';
const CODE_PRODUCT_ID = '/01/09312345551927';
/** The reservation example's product: its GTIN has a wrong check digit, so it cannot exist. */
const BAD_PRODUCT_ID = '/01/19361758000003';

let database: TestDatabase;
let app: NestExpressApplication;
let db: DataSource;
let adminUserId: string;
let adminAccountId: string;

/** A root field's value, loosely typed for assertions. */
interface ResultItem {
  id: string;
  [field: string]: unknown;
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    extensions: { code: string; [key: string]: unknown };
    path?: unknown[];
  }[];
}

function post(
  query: string,
  variables?: Record<string, unknown>,
  token: string | null = ADMIN_TOKEN,
) {
  const call = request(app.getHttpServer()).post('/graphql');
  if (token) call.set('Authorization', `Bearer ${token}`);
  return call.send(variables ? { query, variables } : { query });
}

/** Runs a document that must succeed: HTTP 200, no errors. */
async function run(query: string, variables?: Record<string, unknown>, token = ADMIN_TOKEN) {
  const response = await post(query, variables, token);
  const body = response.body as GraphqlBody;
  expect({ status: response.status, errors: body.errors }).toEqual({
    status: 200,
    errors: undefined,
  });
  return body.data as Record<string, ResultItem>;
}

/** The field names selected by a document's first root field, in order. */
function selectedNames(document: string): string[] {
  const [operation] = parse(document).definitions as OperationDefinitionNode[];
  const [root] = operation.selectionSet.selections as FieldNode[];
  return (root.selectionSet!.selections as FieldNode[]).map((field) => field.name.value);
}

beforeAll(async () => {
  database = await createTestDatabase('graphql');
  await runMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
  process.env.ADMIN_EMAIL = ADMIN_EMAIL;
  process.env.ADMIN_TOKEN = ADMIN_TOKEN;
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  // The extended query parser and the JSON body parser, exactly as main.ts sets them up.
  app = configureGateway(
    moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false }),
  );
  await app.init();
  db = app.get(DataSource);
  adminUserId = await app.get(BootstrapService).ensureAdmin({
    email: ADMIN_EMAIL,
    token: ADMIN_TOKEN,
    linkDomain: LINK_HOST,
  });
  [{ account: adminAccountId }] = await db.query(`SELECT account FROM app_user WHERE id = $1`, [
    adminUserId,
  ]);
  const [{ id: otherAccount }] = await db.query(
    `INSERT INTO account (name) VALUES ('Other') RETURNING id`,
  );
  await db.query(
    `INSERT INTO app_user (account, email, first_name, role, token_hash) VALUES ($1, 'user@other.test', 'Olga', 'user', $2)`,
    [otherAccount, hashToken(OTHER_TOKEN)],
  );
});

afterAll(async () => {
  const jobQueue = app?.get(JobQueue);
  for (const name of Object.values(QueueName))
    await jobQueue?.queue(name).obliterate({ force: true });
  await app?.close();
  await database?.drop();
});

describe('the spec examples, verbatim', () => {
  let codeId: string;
  let reservationId: string;

  beforeAll(async () => {
    // What the examples refer to: the manufacturer and the customer organisations, the product of
    // the codes, and the identifier job the unique_code example names.
    const data = await run(`mutation {
      maker: create_organisation_item(data: { id: "/417/0053893000008", name: "Bearings Inc" }) { id }
      customer: create_organisation_item(data: { id: "/417/9312345000012", name: "Food Co" }) { id }
      create_product_item(data: { gtin: "09312345551927", product_name: "Cotton Buds" }) { id }
    }`);
    expect(data.create_product_item).toEqual({ id: CODE_PRODUCT_ID });
    await db.query(
      `INSERT INTO identifier_job (id, account, quantity, product, reference_id, status)
       VALUES ($1, $2, 100, $3, 'BATCH-SGTIN-2024', 'complete')`,
      [JOB_ID, adminAccountId, CODE_PRODUCT_ID],
    );
  });

  it('create_product_item', async () => {
    const data = await run(SPEC.PRODUCT_CREATE);
    expect(data).toEqual({
      create_product_item: {
        id: PRODUCT_ID,
        product_name: 'AP-2 Bearings',
        gtin: '00053893430744',
        custom_id: 'HM133436FSA-90011',
      },
    });
  });

  it('product (list), with brand as an object holding the stored key', async () => {
    const data = await run(SPEC.PRODUCT_LIST);
    expect(data.product).toHaveLength(2);
    expect(data.product).toContainEqual({
      id: PRODUCT_ID,
      product_name: 'AP-2 Bearings',
      brand: { id: BRAND_ID, name: null },
      gtin: '00053893430744',
      custom_id: 'HM133436FSA-90011',
      finished_product: true,
      third_party_product: false,
    });
    expect(data.product).toContainEqual(
      expect.objectContaining({ id: CODE_PRODUCT_ID, brand: null }),
    );
  });

  it('product_by_id, relations as objects', async () => {
    const data = await run(withId(SPEC.PRODUCT_BY_ID, 'product_id', PRODUCT_ID));
    const product = data.product_by_id;
    expect(product).toMatchObject({
      id: PRODUCT_ID,
      digital_link: 'https://food.tvai.me/01/00053893430744',
      product_redirection_url: 'https://www.company.com/',
      packaging_type_code: null,
      net_weight: null,
      net_weight_unit: null,
      primary_image: null,
      product_manufacturer: { id: '/417/0053893000008', name: 'Bearings Inc' },
      brand_owner: { id: '/417/0053893000008', name: 'Bearings Inc' },
      account: { id: adminAccountId, name: 'Default' },
      user_created: { id: adminUserId, first_name: 'Admin', last_name: 'User' },
      user_updated: null,
      date_updated: null,
    });
    expect(product.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(product)).toEqual(selectedNames(SPEC.PRODUCT_BY_ID));
  });

  it('update_product_item', async () => {
    const data = await run(SPEC.PRODUCT_UPDATE);
    expect(data).toEqual({
      update_product_item: {
        id: PRODUCT_ID,
        product_name: 'AP-2 Bearings - Updated',
        product_redirection_url: 'https://www.company.com/products/bearings/',
        custom_id: 'HM133436FSA-90011-V2',
      },
    });
    const [row] = await db.query(`SELECT product_name, user_updated FROM product WHERE id = $1`, [
      PRODUCT_ID,
    ]);
    expect(row).toEqual({ product_name: 'AP-2 Bearings - Updated', user_updated: adminUserId });
  });

  it('create_unique_code_item', async () => {
    const data = await run(SPEC.UNIQUE_CODE_CREATE.replace(SPEC_JOB_ID, JOB_ID));
    codeId = data.create_unique_code_item.id;
    expect(codeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.create_unique_code_item).toEqual({
      id: codeId,
      code: 'ABC123XY',
      product: CODE_PRODUCT_ID,
      digital_link: 'https://food.tvai.me/01/09312345551927/21/ABC123XY',
      status: 'unassigned',
      type: 'sgtin',
      identifier_job: { id: JOB_ID, reference_id: 'BATCH-SGTIN-2024' },
    });
  });

  it('unique_code (list) with nested identifier_job, product as its key', async () => {
    const data = await run(SPEC.UNIQUE_CODE_LIST);
    expect(data.unique_code).toEqual([
      {
        id: codeId,
        code: 'ABC123XY',
        product: CODE_PRODUCT_ID,
        digital_link: 'https://food.tvai.me/01/09312345551927/21/ABC123XY',
        status: 'unassigned',
        type: 'sgtin',
        epc_join_key: '09312345551927-ABC123XY',
        identifier_job: { id: JOB_ID, reference_id: 'BATCH-SGTIN-2024' },
        reservation: null,
        date_created: expect.stringMatching(/Z$/),
        date_updated: null,
      },
    ]);
  });

  it('unique_code_by_id', async () => {
    const data = await run(withId(SPEC.UNIQUE_CODE_BY_ID, 'unique_code_id', codeId));
    expect(data.unique_code_by_id).toMatchObject({
      id: codeId,
      identifier_job: { id: JOB_ID, reference_id: 'BATCH-SGTIN-2024', type: 'sgtin' },
      reservation: null,
      user_created: { id: adminUserId, first_name: 'Admin', last_name: 'User' },
      user_updated: null,
    });
  });

  it('update_unique_code_item: the example is refused with HTTP 200 (its reservation does not exist)', async () => {
    const response = await post(withId(SPEC.UNIQUE_CODE_UPDATE, 'unique_code_id', codeId));
    expect(response.status).toBe(200);
    const body = response.body as GraphqlBody;
    expect(body.data).toEqual({ update_unique_code_item: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
        locations: [{ line: 2, column: 1 }],
        path: ['update_unique_code_item'],
      }),
    ]);
    const [row] = await db.query(`SELECT status, reservation FROM unique_code WHERE id = $1`, [
      codeId,
    ]);
    expect(row).toEqual({ status: 'unassigned', reservation: null });
    const data = await run(
      `mutation ($id: ID!) { update_unique_code_item(id: $id, data: { custom_id: "LABEL-7" }) { id custom_id user_updated { first_name } } }`,
      { id: codeId },
    );
    expect(data.update_unique_code_item).toEqual({
      id: codeId,
      custom_id: 'LABEL-7',
      user_updated: { first_name: 'Admin' },
    });
  });

  it('create_code_reservation_item: refused for the example product, created for a real one', async () => {
    const refused = (await post(SPEC.CODE_RESERVATION_CREATE)).body as GraphqlBody;
    expect(refused.data).toEqual({ create_code_reservation_item: null });
    expect(refused.errors?.[0]).toMatchObject({
      message: `Product "${BAD_PRODUCT_ID}" does not exist.`,
      extensions: { code: 'INVALID_PAYLOAD', field: 'product' },
    });
    const data = await run(SPEC.CODE_RESERVATION_CREATE.replace(BAD_PRODUCT_ID, CODE_PRODUCT_ID));
    reservationId = data.create_code_reservation_item.id;
    expect(data.create_code_reservation_item).toEqual({
      id: reservationId,
      reserved_for: '/417/9312345000012',
      code_type: 'sgtin',
      quantity: 100,
      status: 'new',
      product: CODE_PRODUCT_ID,
      reference_id: 'BATCH-2024-001',
    });
  });

  it('code_reservation (list) and code_reservation_by_id', async () => {
    const list = await run(SPEC.CODE_RESERVATION_LIST);
    expect(list.code_reservation).toEqual([
      {
        id: reservationId,
        reserved_for: '/417/9312345000012',
        code_type: 'sgtin',
        quantity: 100,
        status: 'new',
        export_type: 'csv',
        product: CODE_PRODUCT_ID,
        quantity_reserved: 0,
        reference_id: 'BATCH-2024-001',
        date_created: expect.stringMatching(/Z$/),
        date_updated: null,
      },
    ]);
    const one = await run(
      withId(SPEC.CODE_RESERVATION_BY_ID, 'code_reservation_id', reservationId),
    );
    expect(one.code_reservation_by_id).toMatchObject({
      id: reservationId,
      export_file: null,
      url_suffix: null,
      error_message: null,
      user_created: { id: adminUserId, first_name: 'Admin', last_name: 'User' },
    });
  });

  it('update_code_reservation_item: the example sets server-owned fields and is refused', async () => {
    const body = (
      await post(withId(SPEC.CODE_RESERVATION_UPDATE, 'code_reservation_id', reservationId))
    ).body as GraphqlBody;
    expect(body.data).toEqual({ update_code_reservation_item: null });
    expect(body.errors?.[0].extensions.code).toBe('INVALID_PAYLOAD');
    const data = await run(
      `mutation ($id: ID!) { update_code_reservation_item(id: $id, data: { status: "cancelled", reference_id: "BATCH-2024-001-UPDATED" }) { id status reference_id } }`,
      { id: reservationId },
    );
    expect(data.update_code_reservation_item).toEqual({
      id: reservationId,
      status: 'cancelled',
      reference_id: 'BATCH-2024-001-UPDATED',
    });
  });

  it('delete_*_item answers { id } and the item is gone', async () => {
    expect(await run(withId(SPEC.UNIQUE_CODE_DELETE, 'unique_code_id', codeId))).toEqual({
      delete_unique_code_item: { id: codeId },
    });
    expect(
      await run(withId(SPEC.CODE_RESERVATION_DELETE, 'code_reservation_id', reservationId)),
    ).toEqual({
      delete_code_reservation_item: { id: reservationId },
    });
    expect(await run(withId(SPEC.PRODUCT_DELETE, 'product_id', PRODUCT_ID))).toEqual({
      delete_product_item: { id: PRODUCT_ID },
    });
    const after = await run(
      `query ($code: ID!, $product: ID!) { unique_code_by_id(id: $code) { id } product_by_id(id: $product) { id } }`,
      { code: codeId, product: PRODUCT_ID },
    );
    expect(after).toEqual({ unique_code_by_id: null, product_by_id: null });
  });
});

describe('reads', () => {
  it('runs ONE statement per root field, however deep the selection', async () => {
    const spy = jest.spyOn(db, 'query');
    try {
      await run(`{
        code_reservation(limit: 5) { id product { gtin brand_owner { name } } codes(limit: 3) { code identifier_job { reference_id } } }
        unique_code(filter: { product: { gtin: { _eq: "09312345551927" } } }) { id reservation { id } }
      }`);
      const statements = spy.mock.calls
        .map(([sql]) => String(sql))
        // Not counted: the request's authentication (active_user_by_token).
        .filter((sql) => !sql.includes('active_user_by_'));
      expect(statements).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('filters, sorts and pages with arguments and variables, and aggregates', async () => {
    await run(`mutation {
      a: create_product_item(data: { gtin: "05012345678900", product_name: "Alpha", net_weight: 1.5 }) { id }
      b: create_product_item(data: { gtin: "05012345678917", product_name: "Beta", net_weight: 3 }) { id }
    }`);
    const data = await run(
      `query ($filter: product_filter, $page: Int) {
        light: product(filter: $filter, sort: ["-product_name"], limit: 1, page: $page) { product_name net_weight }
        search: product(search: "alp") { gtin }
        product_aggregated(filter: { net_weight: { _nnull: true } }) { countAll sum { net_weight } max { net_weight } }
      }`,
      { filter: { net_weight: { _lt: 10 } }, page: 2 },
    );
    expect(data).toEqual({
      light: [{ product_name: 'Alpha', net_weight: 1.5 }],
      search: [{ gtin: '05012345678900' }],
      product_aggregated: [{ countAll: 2, sum: { net_weight: 4.5 }, max: { net_weight: 3 } }],
    });
  });

  it('answers queries over GET ?query=, and refuses mutations there', async () => {
    const response = await request(app.getHttpServer())
      .get('/graphql')
      .query({
        query:
          'query ($gtin: String) { product(filter: { gtin: { _eq: $gtin } }) { product_name } }',
        variables: JSON.stringify({ gtin: '05012345678917' }),
      })
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { product: [{ product_name: 'Beta' }] } });
    const mutation = await request(app.getHttpServer()).get('/graphql').query({
      query: 'mutation { delete_product_item(id: "/01/05012345678917") { id } }',
      access_token: ADMIN_TOKEN,
    });
    expect(mutation.status).toBe(405);
    expect(mutation.body.errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('tenants', () => {
  it('sees and writes only its own account; the admin sees every account', async () => {
    const own = await run(
      `mutation { create_product_item(data: { gtin: "09506000134352", product_name: "Theirs" }) { id account { name } user_created { first_name } } }`,
      undefined,
      OTHER_TOKEN,
    );
    expect(own.create_product_item).toEqual({
      id: '/01/09506000134352',
      account: { name: 'Other' },
      user_created: { first_name: 'Olga' },
    });
    const theirs = await run(
      `{ product { id } product_by_id(id: "${CODE_PRODUCT_ID}") { id } }`,
      undefined,
      OTHER_TOKEN,
    );
    expect(theirs).toEqual({ product: [{ id: '/01/09506000134352' }], product_by_id: null });
    const admin = await run(`{ product(filter: { gtin: { _eq: "09506000134352" } }) { id } }`);
    expect(admin.product).toEqual([{ id: '/01/09506000134352' }]);

    const body = (
      await post(
        `mutation { update_product_item(id: "${CODE_PRODUCT_ID}", data: { product_name: "Taken" }) { id } }`,
        undefined,
        OTHER_TOKEN,
      )
    ).body as GraphqlBody;
    expect(body.data).toEqual({ update_product_item: null });
    expect(body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const [row] = await db.query(`SELECT product_name FROM product WHERE id = $1`, [
      CODE_PRODUCT_ID,
    ]);
    expect(row.product_name).toBe('Cotton Buds');
  });
});

describe('errors', () => {
  it('answers 401 INVALID_CREDENTIALS without a valid token', async () => {
    for (const token of [null, 'not-a-token-of-anyone']) {
      const response = await post('{ product { id } }', undefined, token);
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
      expect(response.body.data).toBeUndefined();
    }
  });

  it('answers 400 GRAPHQL_VALIDATION for documents that cannot run', async () => {
    const unknown = await post('{ product { id colour } }');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      errors: [
        {
          message: 'GraphQL validation error.',
          extensions: {
            code: 'GRAPHQL_VALIDATION',
            errors: [
              {
                message: 'Cannot query field "colour" on type "product". Did you mean "color"?',
                locations: [{ line: 1, column: 16 }],
              },
            ],
          },
        },
      ],
    });
    for (const [query, variables] of [
      ['{ product { id }', undefined],
      ['{ users { id } }', undefined],
      ['query ($n: Int!) { product(limit: $n) { id } }', { n: 'ten' }],
    ] as const) {
      const response = await post(query, variables);
      expect({ status: response.status, code: response.body.errors[0].extensions.code }).toEqual({
        status: 400,
        code: 'GRAPHQL_VALIDATION',
      });
    }
    const missing = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ variables: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toEqual({
      message: 'Must provide query string.',
      extensions: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('reports errors of a root field with HTTP 200, next to the data of the others', async () => {
    const response = await post(
      `{ product(limit: 1) { id } unique_code_by_id(id: "nope") { id } }`,
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      product: [{ id: expect.any(String) }],
      unique_code_by_id: null,
    });
    expect(response.body.errors).toEqual([
      {
        message: expect.stringContaining('nope'),
        extensions: expect.objectContaining({ code: 'INVALID_QUERY' }),
        locations: [{ line: 1, column: 28 }],
        path: ['unique_code_by_id'],
      },
    ]);
    // A list is non-null, as in Directus: its error nulls the whole data.
    const list = await post(`{ unique_code(sort: ["colour"]) { id } }`);
    expect(list.status).toBe(200);
    expect(list.body.data).toBeNull();
    expect(list.body.errors[0]).toMatchObject({
      message: expect.stringContaining('colour'),
      extensions: { code: 'INVALID_QUERY' },
    });
  });
});
