import { Client } from 'pg';
import { parse } from 'qs';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { compileAggregateQuery } from './compile-aggregate-query';
import { compileCountQuery, compileItemQuery } from './compile-item-query';
import { parseItemQuery } from './parse-item-query';
import { QueryScope } from '@sid/shared/items';
import { WIDE_FIELD_COUNT, testRegistry } from './testing/test-collections';
import {
  A,
  B,
  C,
  CODES,
  EVIL,
  JOB_A,
  P1,
  P2,
  PB,
  RES_A1,
  RES_A2,
  RES_B,
  WILD,
  seed,
} from './testing/test-seed';

const registry = testRegistry();
const asA: QueryScope = { accountId: A, userId: A, now: new Date('2024-01-03T12:00:00Z') };
const asB: QueryScope = { accountId: B, userId: null };
const admin: QueryScope = { accountId: null, userId: null };

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase('items');
  client = new Client({ connectionString: database.url });
  await client.connect();
  // Output must not depend on the session's time zone.
  await client.query(`SET TIME ZONE 'Asia/Kolkata'`);
  await seed(client);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

function parsed(text: string, defaultLimit = 100) {
  return parseItemQuery(parse(text, { allowPrototypes: true }), { defaultLimit });
}

async function items(collection: string, text: string, scope = asA, defaultLimit = 100) {
  const { sql, params } = compileItemQuery(registry, collection, parsed(text, defaultLimit), scope);
  const { rows } = await client.query<{ item: Record<string, unknown> }>(sql, params);
  return rows.map((row) => row.item);
}

/** The unique codes matching `text`, as ids in primary-key order. */
async function codeIds(text: string, scope = asA) {
  return (await items('unique_code', `fields=id&${text}`, scope)).map((item) => item.id);
}

describe('items against PostgreSQL', () => {
  it('renders * with Directus types: ISO timestamps, numbers, booleans, json', async () => {
    const [code] = await items('unique_code', `filter[id][_eq]=${C.c1}`);
    expect(code).toEqual({
      id: C.c1,
      code: '17DZfpiY',
      digital_link: CODES[0].digital_link,
      status: 'reserved',
      type: 'sgtin',
      serial: 1,
      epc_join_key: 'epc-1',
      product: P1,
      identifier_job: JOB_A,
      reservation: RES_A1,
      account: A,
      date_created: '2024-01-01T10:00:00.123Z',
    });
    const [product] = await items(
      'product',
      `fields=net_weight,finished_product,attributes&filter[id][_eq]=${P1}`,
    );
    expect(product).toEqual({
      net_weight: 0.1,
      finished_product: true,
      attributes: { colour: 'brown' },
    });
  });

  it('nests many-to-one relations, null when the key is null', async () => {
    const rows = await items(
      'unique_code',
      'fields=code,product.gtin,product.parent_product.gtin,reservation.reference_id&filter[serial][_in]=2,4',
    );
    expect(rows).toEqual([
      {
        code: '4qt8Jblr',
        product: { gtin: '09312345552016', parent_product: { gtin: '09312345551927' } },
        reservation: { reference_id: 'RG-Cot-Items' },
      },
      { code: EVIL, product: { gtin: '09312345551927', parent_product: null }, reservation: null },
    ]);
    expect(Object.keys(rows[0])).toEqual(['code', 'product', 'reservation']);
  });

  it('returns one-to-many fields as keys or objects, never through *', async () => {
    const [reservation] = await items(
      'code_reservation',
      `fields=*,codes&filter[id][_eq]=${RES_A1}`,
    );
    expect(reservation.codes).toEqual([C.c1, C.c2, C.c3]);
    expect(await items('code_reservation', `filter[id][_eq]=${RES_A1}`)).toEqual([
      {
        id: RES_A1,
        reference_id: 'RG-Cot-Items',
        status: 'complete',
        quantity: 3,
        product: P1,
        account: A,
      },
    ]);
    const [withObjects] = await items(
      'code_reservation',
      `fields=codes.code,codes.product.gtin&filter[id][_eq]=${RES_A1}`,
    );
    expect(withObjects.codes).toEqual([
      { code: '17DZfpiY', product: { gtin: '09312345551927' } },
      { code: '4qt8Jblr', product: { gtin: '09312345552016' } },
      { code: 'YZQDrcpP', product: { gtin: '09312345551927' } },
    ]);
    const [empty] = await items('code_reservation', `fields=codes&filter[id][_eq]=${RES_A2}`);
    expect(empty).toEqual({ codes: [] });
    const [all] = await items('identifier_job', 'fields=*.*');
    expect(all.product).toMatchObject({ id: P1, gtin: '09312345551927', account: A });
  });

  it.each([
    ['filter[code][_eq]=17DZfpiY', ['c1']],
    ['filter[status][_neq]=reserved', ['c4', 'c5']],
    ['filter[serial][_lt]=3', ['c1', 'c2']],
    ['filter[serial][_lte]=3', ['c1', 'c2', 'c3']],
    ['filter[serial][_gt]=3', ['c4', 'c5']],
    ['filter[serial][_gte]=4', ['c4', 'c5']],
    ['filter[code][_in]=17DZfpiY,YZQDrcpP', ['c1', 'c3']],
    ['filter[status][_nin][]=reserved', ['c4', 'c5']],
    ['filter[reservation][_null]=true', ['c4', 'c5']],
    ['filter[reservation][_nnull]=true', ['c1', 'c2', 'c3']],
    ['filter[code][_contains]=DZ', ['c1']],
    ['filter[code][_contains]=%25', ['c5']],
    ['filter[code][_contains]=_', ['c5']],
    ['filter[code][_contains]=\\', ['c5']],
    ['filter[code][_ncontains]=DZ', ['c2', 'c3', 'c4', 'c5']],
    ['filter[code][_icontains]=dz', ['c1']],
    ['filter[code][_nicontains]=dz', ['c2', 'c3', 'c4', 'c5']],
    ['filter[code][_starts_with]=17', ['c1']],
    ['filter[code][_nstarts_with]=17', ['c2', 'c3', 'c4', 'c5']],
    ['filter[code][_istarts_with]=yzq', ['c3']],
    ['filter[code][_ends_with]=pP', ['c3']],
    ['filter[code][_nends_with]=pP', ['c1', 'c2', 'c4', 'c5']],
    ['filter[code][_iends_with]=BLR', ['c2']],
    ['filter[serial][_between]=2,3', ['c2', 'c3']],
    ['filter[serial][_nbetween]=2,3', ['c1', 'c4', 'c5']],
    ['filter[digital_link][_empty]=true', ['c4', 'c5']],
    ['filter[digital_link][_nempty]=true', ['c1', 'c2', 'c3']],
    ['filter[date_created][_gte]=2024-01-03', ['c3', 'c4', 'c5']],
    ['filter[date_created][_eq]=2024-01-02T05:30:00%2B05:30', ['c2']],
    ['filter[date_created][_gt]=$NOW(-1 day)', ['c3', 'c4', 'c5']],
    ['filter[date_created][_lt]=$NOW', ['c1', 'c2', 'c3']],
    ['filter[account][_eq]=$CURRENT_USER&filter[serial][_lt]=2', ['c1']],
    [
      'filter[_or][0][serial][_eq]=1&filter[_or][1][_and][0][status][_eq]=unassigned&filter[_or][1][_and][1][serial][_gt]=4',
      ['c1', 'c5'],
    ],
    ['filter={"_and":[{"status":{"_eq":"reserved"}},{"serial":{"_gt":1}}]}', ['c2', 'c3']],
    ['filter[product][gtin][_eq]=09312345552016', ['c2']],
    ['filter[product][parent_product][gtin][_eq]=09312345551927', ['c2']],
    ['filter[reservation][reference_id][_eq]=RG-Cot-Items&filter[serial][_neq]=1', ['c2', 'c3']],
  ])('filters %s', async (text, expected) => {
    expect(await codeIds(text)).toEqual(expected.map((key) => C[key as keyof typeof C]));
  });

  it('filters through one-to-many fields: some, _some and _none', async () => {
    const reservations = async (text: string, scope = asA) =>
      (await items('code_reservation', `fields=id&${text}`, scope)).map((item) => item.id);
    expect(await reservations('filter[codes][code][_eq]=YZQDrcpP')).toEqual([RES_A1]);
    expect(await reservations('filter[codes][_some][status][_eq]=reserved')).toEqual([RES_A1]);
    expect(await reservations('filter[codes][_none][status][_eq]=reserved')).toEqual([RES_A2]);
    // B's code points at A's reservation: invisible to A, visible to an admin.
    expect(await reservations('filter[codes][code][_eq]=B-into-A')).toEqual([]);
    expect(await reservations('filter[codes][code][_eq]=B-into-A', admin)).toEqual([RES_A1]);
  });

  it('sorts both ways and pages stably with the primary key as tiebreaker', async () => {
    expect(await codeIds('sort=-serial&limit=2&page=2')).toEqual([C.c3, C.c2]);
    expect(await codeIds('sort=-status,-serial')).toEqual([C.c5, C.c4, C.c3, C.c2, C.c1]);
    expect(await codeIds('sort=status,-code&filter[status][_eq]=reserved')).toEqual([
      C.c3,
      C.c2,
      C.c1,
    ]);
    const pages = [];
    for (let offset = 0; offset < 6; offset += 2)
      pages.push(...(await codeIds(`sort=status&limit=2&offset=${offset}`)));
    expect(pages).toEqual([C.c1, C.c2, C.c3, C.c4, C.c5]);
    expect(await codeIds('limit=0')).toEqual([]);
  });

  it('searches the search fields literally, case-insensitively', async () => {
    expect(await codeIds('search=dzfp')).toEqual([C.c1]);
    expect(await codeIds('search=%25')).toEqual([C.c5]);
    expect(await codeIds('search=09312345552016')).toEqual([C.c2]);
    expect((await items('product', 'fields=id&search=50%25 OFF')).map((p) => p.id)).toEqual([P2]);
  });

  it('counts total and filtered items for meta', async () => {
    const count = async (text: string, kind: 'total' | 'filter', scope = asA) => {
      const { sql, params } = compileCountQuery(registry, 'unique_code', parsed(text), scope, kind);
      return (await client.query(sql, params)).rows;
    };
    expect(await count('filter[status][_eq]=reserved', 'total')).toEqual([{ count: 5 }]);
    expect(await count('filter[status][_eq]=reserved', 'filter')).toEqual([{ count: 3 }]);
    expect(await count('search=17dz', 'filter', admin)).toEqual([{ count: 2 }]);
    expect(await count('', 'total', asB)).toEqual([{ count: 2 }]);
  });

  it('aggregates and groups like Directus', async () => {
    const aggregate = async (text: string, scope = asA) => {
      const { sql, params } = compileAggregateQuery(registry, 'unique_code', parsed(text), scope);
      return (await client.query<{ item: unknown }>(sql, params)).rows.map((row) => row.item);
    };
    expect(await aggregate('aggregate[count]=*')).toEqual([{ count: 5 }]);
    expect(await aggregate('aggregate[count]=id,reservation')).toEqual([
      { count: { id: 5, reservation: 3 } },
    ]);
    expect(
      await aggregate(
        'aggregate[countDistinct]=product&aggregate[avg]=serial&aggregate[min]=date_created&aggregate[max]=serial',
      ),
    ).toEqual([
      {
        countDistinct: { product: 3 },
        avg: { serial: 3 },
        min: { date_created: '2024-01-01T10:00:00.123Z' },
        max: { serial: 5 },
      },
    ]);
    expect(
      await aggregate(
        'aggregate[count]=*&aggregate[sum]=serial&groupBy=status&filter[serial][_gt]=1',
      ),
    ).toEqual([
      { status: 'reserved', count: 2, sum: { serial: 5 } },
      { status: 'unassigned', count: 2, sum: { serial: 9 } },
    ]);
    expect(await aggregate('aggregate[count]=*&groupBy=status', admin)).toEqual([
      { status: 'reserved', count: 5 },
      { status: 'unassigned', count: 2 },
    ]);
    expect(await aggregate('aggregate[count]=*&groupBy=status&sort=-status&limit=1')).toEqual([
      { status: 'unassigned', count: 2 },
    ]);
  });

  it('limits, offsets, sorts and filters one-to-many fields with deep', async () => {
    const codes = async (text: string, defaultLimit = 100) =>
      (
        await items(
          'code_reservation',
          `fields=codes.code&filter[id][_eq]=${RES_A1}&${text}`,
          asA,
          defaultLimit,
        )
      )[0].codes;
    expect(await codes('deep[codes][_limit]=2')).toEqual([
      { code: '17DZfpiY' },
      { code: '4qt8Jblr' },
    ]);
    expect(await codes('deep[codes][_sort]=-code&deep[codes][_offset]=1')).toEqual([
      { code: '4qt8Jblr' },
      { code: '17DZfpiY' },
    ]);
    expect(await codes('deep[codes][_filter][code][_starts_with]=4')).toEqual([
      { code: '4qt8Jblr' },
    ]);
    expect(await codes('', 1)).toEqual([{ code: '17DZfpiY' }]);
  });

  it('never shows rows or related rows of another account', async () => {
    const ofA = await items('unique_code', 'fields=id,code,product.id&limit=-1');
    expect(ofA.map((item) => item.id)).toEqual([C.c1, C.c2, C.c3, C.c4, C.c5]);
    expect(ofA[4].product).toBeNull(); // c5 points at B's product
    expect(await codeIds('filter[product][gtin][_eq]=77777666100048')).toEqual([]);
    const [reservation] = await items(
      'code_reservation',
      `fields=codes.code&filter[id][_eq]=${RES_A1}`,
      admin,
    );
    expect(reservation.codes).toHaveLength(4); // admin sees B's code in A's reservation
    expect(await items('code_reservation', `fields=id&filter[id][_eq]=${RES_A1}`, asB)).toEqual([]);
    expect((await items('code_reservation', 'fields=id', asB)).map((item) => item.id)).toEqual([
      RES_B,
    ]);
    const [ofAdmin] = await items(
      'unique_code',
      `fields=product,product.gtin&filter[id][_eq]=${C.c5}`,
      admin,
    );
    expect(ofAdmin).toEqual({ product: { gtin: '77777666100048' } });
    const [raw] = await items('unique_code', `fields=product&filter[id][_eq]=${C.c5}`);
    expect(raw).toEqual({ product: PB }); // A's own column: the key, but never B's row
  });

  it('matches malicious and wildcard values literally', async () => {
    expect(await codeIds(`filter[code][_eq]=${encodeURIComponent(EVIL)}`)).toEqual([C.c4]);
    expect(await codeIds(`filter[code][_in]=${encodeURIComponent(EVIL)}`)).toEqual([C.c4]);
    expect(await codeIds(`filter[code][_eq]=${encodeURIComponent(WILD)}`)).toEqual([C.c5]);
    expect(await codeIds(`filter[code][_starts_with]=${encodeURIComponent("'; DROP")}`)).toEqual([
      C.c4,
    ]);
    expect(await codeIds(`search=${encodeURIComponent(EVIL)}`)).toEqual([C.c4]);
    expect((await client.query('SELECT count(*)::int AS n FROM product')).rows).toEqual([{ n: 3 }]);
  });

  it('builds objects wider than json_build_object allows', async () => {
    const [row] = await items('wide', '', admin);
    expect(Object.keys(row)).toHaveLength(WIDE_FIELD_COUNT + 1);
    expect(row).toMatchObject({ id: 1, f1: 'v1', f50: 'v50', f51: 'v51', f60: 'v60' });
  });
});
