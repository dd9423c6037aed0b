import request from 'supertest';
import { DataSource } from 'typeorm';
import { TableStatistics } from '@sid/shared/database';
import * as SPEC from '../graphql/test-spec-documents';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';
import { captureQueries, planProblems, SentQuery } from '../testing/query-plans';
import { LoadedAccount, loadAccountCodes } from '../testing/realistic-codes';

/** A page: what the shapes below ask for, and what a scan may filter away to answer one. */
const PAGE = 100;
/**
 * The admin's big job, next to its history of 12 finished jobs of 10,000 codes; with the partner's
 * codes, about 260,000 codes.
 */
const ADMIN_BIG_JOB = 60_000;

type Caller = 'admin' | 'partner';

interface Shape {
  name: string;
  /** A REST path, or a GraphQL document. */
  rest?: (data: LoadedAccount) => string;
  graphql?: (data: LoadedAccount) => string;
  /** Counts and aggregates read every row they count; the rows-read rule does not apply. */
  counts?: boolean;
}

const codes = '/items/unique_code';
const enc = encodeURIComponent;

/**
 * Every lookup a scanner or partner makes, as the gateway compiles it. A new lookup shape (or a
 * new filterable field that scanners use) belongs here: without an index it fails below with the
 * shape's name and the index to add.
 */
const SHAPES: Shape[] = [
  { name: 'by code', rest: (d) => `${codes}?filter[code][_eq]=${enc(d.code)}` },
  {
    name: 'by digital_link',
    rest: (d) => `${codes}?filter[digital_link][_eq]=${enc(d.digitalLink)}`,
  },
  { name: 'by epc_hex', rest: (d) => `${codes}?filter[epc_hex][_eq]=${enc(d.epcHex)}` },
  { name: 'by epc_uri', rest: (d) => `${codes}?filter[epc_uri][_eq]=${enc(d.epcUri)}` },
  { name: 'by custom_id', rest: (d) => `${codes}?filter[custom_id][_eq]=${enc(d.customId)}` },
  {
    name: 'by reservation, with filter_count',
    rest: (d) =>
      `${codes}?filter[reservation][_eq]=${d.reservation}&limit=${PAGE}&meta=filter_count`,
  },
  {
    name: 'by identifier_job and status (unassigned), with filter_count',
    rest: (d) =>
      `${codes}?filter[status][_eq]=unassigned&filter[identifier_job][_eq]=${d.bigJob}&limit=${PAGE}&meta=filter_count`,
  },
  {
    name: 'by identifier_job and status (assigned, rare)',
    rest: (d) =>
      `${codes}?filter[status][_eq]=assigned&filter[identifier_job][_eq]=${d.bigJob}&limit=${PAGE}&meta=filter_count,total_count`,
  },
  {
    name: 'by product and status (unassigned), with filter_count',
    rest: (d) =>
      `${codes}?filter[product][_eq]=${enc(d.products[0])}&filter[status][_eq]=unassigned&limit=${PAGE}&meta=filter_count`,
  },
  {
    name: 'by product and status (reserved)',
    rest: (d) =>
      `${codes}?filter[product][_eq]=${enc(d.products[0])}&filter[status][_eq]=reserved&limit=${PAGE}&meta=filter_count`,
  },
  {
    name: 'a page of codes with total_count',
    rest: () => `${codes}?limit=${PAGE}&fields=id,code,status,digital_link&meta=total_count`,
  },
  {
    name: 'README tour: codes with their job',
    rest: () =>
      `${codes}?limit=3&fields=code,digital_link,identifier_job.reference_id&meta=total_count`,
  },
  {
    name: 'dashboard: levels per status of a product',
    rest: (d) =>
      `${codes}?aggregate[count]=*&groupBy[]=status&filter[product][_eq]=${enc(d.products[0])}`,
    counts: true,
  },
  {
    name: 'dashboard: levels per status of a job',
    rest: (d) =>
      `${codes}?aggregate[count]=*&groupBy[]=status&filter[identifier_job][_eq]=${d.bigJob}`,
    counts: true,
  },
  {
    name: 'dashboard: code pools with their level',
    rest: () => `/items/code_pool?fields=product,min_unassigned,unassigned_count`,
    counts: true,
  },
  { name: 'GraphQL: unique_code list (spec)', graphql: () => SPEC.UNIQUE_CODE_LIST },
  {
    name: 'GraphQL: unique_code by code',
    graphql: (d) =>
      `query { unique_code(filter: { code: { _eq: ${JSON.stringify(d.code)} } }) { id code status digital_link } }`,
  },
  {
    name: 'GraphQL: unique_code by digital_link',
    graphql: (d) =>
      `query { unique_code(filter: { digital_link: { _eq: ${JSON.stringify(d.digitalLink)} } }) { id code } }`,
  },
];

/**
 * Keeps every lookup shape on an index, on a realistic table (a few hundred thousand codes, then
 * the statistics step production runs after a bulk write): from EXPLAIN of the SQL the gateway
 * really sends, no plan sequential-scans unique_code or filters away more than a page of rows.
 */
describe('unique_code lookups stay on an index', () => {
  let gateway: GatewayTestApp;
  let db: DataSource;
  const tokens: Record<Caller, string> = { admin: '', partner: '' };
  const data = {} as Record<Caller, LoadedAccount>;

  beforeAll(async () => {
    gateway = await createGatewayTestApp('lookup_plans');
    db = gateway.app.get(DataSource);
    const http = request(gateway.app.getHttpServer());
    tokens.admin = gateway.adminToken;
    const partner = await http
      .post('/users')
      .set('Authorization', `Bearer ${tokens.admin}`)
      .send({ email: 'scanner@example.com', account_name: 'Scanner Co' })
      .expect(200);
    tokens.partner = partner.body.data.token;
    const users: { id: string; account: string; email: string }[] = await db.query(
      `SELECT id, account, email FROM app_user`,
    );
    const userOf = (email: string) => users.find((u) => u.email === email)!;
    const admin = userOf('admin@example.com');
    const scanner = userOf('scanner@example.com');
    await db.transaction(async (tx) => {
      data.admin = await loadAccountCodes(tx, admin.account, admin.id, 100, ADMIN_BIG_JOB, {
        jobs: 12,
        codes: 10_000,
      });
      data.partner = await loadAccountCodes(tx, scanner.account, scanner.id, 200, 50_000);
    });
    await db.query(
      `INSERT INTO code_pool (account, product, min_unassigned, refill_quantity) VALUES ($1, $2, 10, 100)`,
      [admin.account, data.admin.products[0]],
    );
    // The step production runs after a bulk write (see TableStatistics), not a hand-made ANALYZE.
    const written = data.admin.codes + data.partner.codes;
    const ran = await gateway.app
      .get(TableStatistics, { strict: false })
      .afterBulkWrite('unique_code', written, 'insert');
    expect(ran).toBe(true);
  }, 600_000);
  afterAll(() => gateway?.close());

  const send = async (caller: Caller, shape: Shape): Promise<SentQuery[]> => {
    const http = request(gateway.app.getHttpServer());
    const auth = `Bearer ${tokens[caller]}`;
    const sent = await captureQueries(async () => {
      const response = shape.rest
        ? await http.get(shape.rest(data[caller])).set('Authorization', auth)
        : await http
            .post('/graphql')
            .set('Authorization', auth)
            .send({ query: shape.graphql!(data[caller]) });
      expect({ status: response.status, errors: response.body.errors }).toEqual({
        status: 200,
        errors: undefined,
      });
    });
    return sent.filter((query) => /"unique_code"|\bunique_code\b|code_pool_level/.test(query.sql));
  };

  const cases = SHAPES.flatMap((shape) =>
    (['admin', 'partner'] as Caller[]).map(
      (caller) => [`${shape.name} (${caller})`, caller, shape] as const,
    ),
  );

  // Both plans: the gateway sends its reads as prepared statements (prepared-statements.ts), so
  // PostgreSQL may keep a generic plan for a shape once it finds it no costlier than a custom one.
  it.each(cases)(
    '%s: every statement on unique_code uses an index, in its custom and its generic plan',
    async (label, caller, shape) => {
      const sent = await send(caller, shape);
      expect(sent.length).toBeGreaterThan(0);
      // A partner's reads run as the tenant role with its account set, as the gateway sends them;
      // their plans are explained the same way (row-level security policies included).
      const ranAs = caller === 'partner' ? data.partner.account : undefined;
      expect(sent.map((query) => query.tenant)).toEqual(sent.map(() => ranAs));
      const problems: string[] = [];
      for (const query of sent) {
        const counting = shape.counts === true || /^SELECT count\(\*\)/.test(query.sql);
        for (const kind of ['custom', 'generic'] as const) {
          const found = await planProblems(
            db,
            query,
            { table: 'unique_code', page: PAGE, maxRowsRead: counting ? undefined : 10 * PAGE },
            kind,
          );
          problems.push(
            ...found.map((problem) => `${label}, ${kind} plan: ${problem}\n    SQL: ${query.sql}`),
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('finds the code it looked up, for its owner only', async () => {
    const http = request(gateway.app.getHttpServer());
    const lookup = (caller: Caller, code: string) =>
      http
        .get(`${codes}?filter[code][_eq]=${enc(code)}&fields=code,status`)
        .set('Authorization', `Bearer ${tokens[caller]}`)
        .expect(200);
    expect((await lookup('partner', data.partner.code)).body.data).toEqual([
      { code: data.partner.code, status: expect.any(String) },
    ]);
    expect((await lookup('partner', data.admin.code)).body.data).toEqual([]);
  });

  it('counts exactly, and only when asked', async () => {
    const d = data.admin;
    const path = `${codes}?filter[status][_eq]=unassigned&filter[identifier_job][_eq]=${d.bigJob}&limit=1`;
    const http = request(gateway.app.getHttpServer());
    const auth = `Bearer ${tokens.admin}`;
    const without = await captureQueries(() =>
      http.get(path).set('Authorization', auth).expect(200),
    );
    expect(without.filter((q) => /count\(/.test(q.sql))).toEqual([]);
    const counted = await http
      .get(`${path}&meta=filter_count,total_count`)
      .set('Authorization', auth);
    const [{ unassigned, total }] = await db.query(
      `SELECT count(*) FILTER (WHERE identifier_job = $1 AND status = 'unassigned')::int AS unassigned,
              count(*)::int AS total FROM unique_code`,
      [d.bigJob],
    );
    expect(unassigned).toBe(ADMIN_BIG_JOB - ADMIN_BIG_JOB / 10);
    expect(counted.body.meta).toEqual({ filter_count: unassigned, total_count: total });
  });
});
