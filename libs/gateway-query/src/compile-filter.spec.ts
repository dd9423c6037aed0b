import { parse } from 'qs';
import { InvalidQueryError } from '@sid/shared/errors';
import { compileFilter } from './compile-filter';
import { parseFilter } from './parse-filter';
import { QueryScope } from '@sid/shared/items';
import { SqlContext } from './sql-context';
import { testRegistry } from './testing/test-collections';

const registry = testRegistry();
const USER = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2024-03-31T12:00:00.000Z');

/** Compiles `filter` for unique_code (or `collection`) as the admin, returning SQL and params. */
function where(text: string, collection = 'unique_code', scope: Partial<QueryScope> = {}) {
  const node = parseFilter(parse(text, { allowPrototypes: true }).filter, 'filter')!;
  const context = new SqlContext(registry, { accountId: null, userId: USER, now: NOW, ...scope });
  const sql = compileFilter(context, registry.get(collection), context.alias(), node);
  return { sql, params: context.params };
}

function rejects(text: string, message: RegExp, collection = 'unique_code') {
  expect(() => where(text, collection)).toThrow(InvalidQueryError);
  expect(() => where(text, collection)).toThrow(message);
}

describe('compileFilter', () => {
  it.each([
    ['filter[code][_eq]=A', 't0."code" = $1::text', ['A']],
    ['filter[code][_neq]=A', 't0."code" <> $1::text', ['A']],
    ['filter[serial][_lt]=10', 't0."serial" < $1::bigint', ['10']],
    ['filter[serial][_lte]=10', 't0."serial" <= $1::bigint', ['10']],
    ['filter[serial][_gt]=-3', 't0."serial" > $1::bigint', ['-3']],
    [
      'filter[serial][_gte]=9223372036854775807',
      't0."serial" >= $1::bigint',
      ['9223372036854775807'],
    ],
    ['filter[status][_in]=a,b', 't0."status" = ANY($1::text[])', [['a', 'b']]],
    ['filter[status][_nin][]=a', 't0."status" <> ALL($1::text[])', [['a']]],
    ['filter[reservation][_null]=true', 't0."reservation" IS NULL', []],
    ['filter[reservation][_null]=false', 't0."reservation" IS NOT NULL', []],
    ['filter[reservation][_nnull]=true', 't0."reservation" IS NOT NULL', []],
    ['filter[code][_contains]=a%b', 't0."code" LIKE $1::text', ['%a\\%b%']],
    ['filter[code][_ncontains]=a_b', 'NOT t0."code" LIKE $1::text', ['%a\\_b%']],
    ['filter[code][_icontains]=Ab', 't0."code" ILIKE $1::text', ['%Ab%']],
    ['filter[code][_nicontains]=Ab', 'NOT t0."code" ILIKE $1::text', ['%Ab%']],
    ['filter[code][_starts_with]=17', 't0."code" LIKE $1::text', ['17%']],
    ['filter[code][_nstarts_with]=17', 'NOT t0."code" LIKE $1::text', ['17%']],
    ['filter[code][_istarts_with]=x', 't0."code" ILIKE $1::text', ['x%']],
    ['filter[code][_ends_with]=Y', 't0."code" LIKE $1::text', ['%Y']],
    ['filter[code][_nends_with]=\\', 'NOT t0."code" LIKE $1::text', ['%\\\\']],
    ['filter[code][_iends_with]=y', 't0."code" ILIKE $1::text', ['%y']],
    ['filter[serial][_between]=1,5', '(t0."serial" BETWEEN $1::bigint AND $2::bigint)', ['1', '5']],
    [
      'filter[serial][_nbetween]=1,5',
      '(t0."serial" NOT BETWEEN $1::bigint AND $2::bigint)',
      ['1', '5'],
    ],
    ['filter[code][_empty]=true', `(t0."code" IS NULL OR t0."code" = '')`, []],
    ['filter[code][_nempty]=true', `(t0."code" IS NOT NULL AND t0."code" <> '')`, []],
    ['filter[serial][_empty]=true', 't0."serial" IS NULL', []],
    ['filter={"code":{"_eq":null}}', 't0."code" IS NULL', []],
    ['filter={"code":{"_neq":null}}', 't0."code" IS NOT NULL', []],
    ['filter[epc_join_key][_eq]=k', 't0."epc_key" = $1::text', ['k']],
  ])('%s → %s', (text, sql, params) => {
    expect(where(text)).toEqual({ sql, params });
  });

  it('combines _and / _or and several conditions with parentheses', () => {
    expect(
      where(
        'filter[_or][0][status][_eq]=a&filter[_or][1][_and][0][code][_eq]=b&filter[_or][1][_and][1][type][_eq]=c',
      ),
    ).toEqual({
      sql: '(t0."status" = $1::text OR (t0."code" = $2::text AND t0."type" = $3::text))',
      params: ['a', 'b', 'c'],
    });
  });

  it('tests many-to-one and one-to-many relations with tenant-scoped EXISTS', () => {
    const scope = { accountId: '11111111-1111-4111-8111-111111111111' };
    expect(where('filter[product][gtin][_eq]=0931', 'unique_code', scope)).toEqual({
      sql:
        'EXISTS (SELECT 1 FROM "product" AS t1 WHERE t1."id" = t0."product" ' +
        'AND t1."account" = $1::uuid AND t1."gtin" = $2::text)',
      params: [scope.accountId, '0931'],
    });
    expect(where('filter[codes][code][_eq]=X', 'code_reservation').sql).toBe(
      'EXISTS (SELECT 1 FROM "unique_code" AS t1 WHERE t1."reservation" = t0."id" AND t1."code" = $1::text)',
    );
    expect(where('filter[codes][_some][code][_eq]=X', 'code_reservation').sql).toMatch(
      /^EXISTS \(/,
    );
    expect(where('filter[codes][_none][code][_eq]=X', 'code_reservation').sql).toMatch(
      /^NOT EXISTS \(/,
    );
  });

  describe('values are checked against the field type', () => {
    it('normalises uuids, booleans, decimals and timestamps (zone-less = UTC)', () => {
      expect(where('filter[id][_eq]=AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA').params).toEqual([
        'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      ]);
      expect(where('filter[finished_product][_eq]=1', 'product').params).toEqual([true]);
      expect(where('filter={"finished_product":{"_neq":false}}', 'product').params).toEqual([
        false,
      ]);
      expect(where('filter[net_weight][_gt]=1.5e2', 'product')).toEqual({
        sql: 't0."net_weight" > $1::numeric',
        params: ['1.5e2'],
      });
      expect(where('filter[date_created][_gte]=2024-01-02').params).toEqual([
        '2024-01-02T00:00:00Z',
      ]);
      expect(where('filter[date_created][_gte]=2024-01-02 10:30').params).toEqual([
        '2024-01-02T10:30Z',
      ]);
      expect(where('filter[date_created][_lt]=2024-01-02T10:30:00.123456%2B02:00').params).toEqual([
        '2024-01-02T10:30:00.123456+02:00',
      ]);
    });

    it('resolves $NOW (with offsets) and $CURRENT_USER from the scope', () => {
      expect(where('filter[date_created][_lte]=$NOW').params).toEqual(['2024-03-31T12:00:00.000Z']);
      expect(where('filter[date_created][_gt]=$NOW(-1 day)').params).toEqual([
        '2024-03-30T12:00:00.000Z',
      ]);
      expect(where('filter[date_created][_gt]=$NOW(+2 hours)').params).toEqual([
        '2024-03-31T14:00:00.000Z',
      ]);
      expect(where('filter[date_created][_gt]=$NOW(-1 month)').params).toEqual([
        '2024-03-02T12:00:00.000Z',
      ]);
      expect(where('filter[account][_eq]=$CURRENT_USER')).toEqual({
        sql: 't0."account" = $1::uuid',
        params: [USER],
      });
      expect(
        where('filter[account][_eq]=$CURRENT_USER', 'unique_code', { userId: null }).params,
      ).toEqual([null]);
    });

    it.each([
      ['filter[id][_eq]=1 OR 1=1', /"filter\[id\]\[_eq\]" must be a UUID, got "1 OR 1=1"/],
      ['filter[serial][_gt]=1; drop', /"filter\[serial\]\[_gt\]" must be an integer/],
      ['filter[serial][_gt]=99999999999999999999', /must be an integer/],
      ['filter[serial][_gt]=9223372036854775808', /must be a 64-bit integer/],
      ['filter[date_created][_gt]=yesterday', /must be an ISO-8601 date or timestamp/],
      ['filter[date_created][_gt]=2024-13-45', /must be a valid date/],
      ['filter[date_created][_gt]=$NOW(-1 fortnight)', /is not a valid dynamic value/],
      [
        'filter[serial][_contains]=1',
        /_contains only applies to text fields; "serial" is bigInteger/,
      ],
      ['filter[serial][_in]=1,x', /"filter\[serial\]\[_in\]\[1\]" must be an integer/],
      ['filter={"code":{"_in":["a",null]}}', /"filter\[code\]\[_in\]\[1\]" must not be null/],
      ['filter={"code":{"_lt":null}}', /"filter\[code\]\[_lt\]" needs a value/],
    ])('%s is refused', (text, message) => rejects(text, message));

    it('refuses comparisons on JSON fields but allows _null', () => {
      rejects('filter[attributes][_eq]=x', /"attributes" is a JSON field/, 'product');
      expect(where('filter[attributes][_nnull]=true', 'product').sql).toBe(
        't0."attributes" IS NOT NULL',
      );
      rejects('filter[finished_product][_between]=true,x', /must be true or false/, 'product');
    });
  });
});
