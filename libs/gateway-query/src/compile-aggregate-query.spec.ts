import { parse } from 'qs';
import { InvalidQueryError } from '@sid/shared/errors';
import { compileAggregateQuery } from './compile-aggregate-query';
import { parseItemQuery } from './parse-item-query';
import { testRegistry } from './testing/test-collections';

const registry = testRegistry();
const ACCOUNT = '11111111-1111-4111-8111-111111111111';

function compile(text: string, collection = 'unique_code', accountId: string | null = ACCOUNT) {
  const query = parseItemQuery(parse(text), { defaultLimit: 100, maxLimit: 1000 });
  return compileAggregateQuery(registry, collection, query, { accountId, userId: null });
}

function rejects(text: string, message: RegExp, collection = 'unique_code') {
  expect(() => compile(text, collection)).toThrow(InvalidQueryError);
  expect(() => compile(text, collection)).toThrow(message);
}

describe('compileAggregateQuery', () => {
  it('counts all rows as count: n, one row, tenant-scoped and filtered', () => {
    expect(compile('aggregate[count]=*&filter[status][_eq]=reserved')).toEqual({
      sql:
        `SELECT json_build_object('count', count(*)) AS item FROM "unique_code" AS t0 ` +
        `WHERE t0."account" = $1::uuid AND t0."status" = $2::text`,
      params: [ACCOUNT, 'reserved'],
    });
  });

  it('nests per-field aggregates under the function name', () => {
    const { sql } = compile(
      'aggregate[count]=id,product&aggregate[countDistinct]=status&aggregate[sum]=serial' +
        '&aggregate[avgDistinct]=serial&aggregate[max]=date_created',
      'unique_code',
      null,
    );
    expect(sql).toBe(
      `SELECT json_build_object(` +
        `'count', json_build_object('id', count(t0."id"), 'product', count(t0."product")), ` +
        `'countDistinct', json_build_object('status', count(DISTINCT t0."status")), ` +
        `'sum', json_build_object('serial', sum(t0."serial")), ` +
        `'avgDistinct', json_build_object('serial', avg(DISTINCT t0."serial")), ` +
        `'max', json_build_object('date_created', to_char(max(t0."date_created") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))` +
        `) AS item FROM "unique_code" AS t0`,
    );
  });

  it('groups, puts group fields beside the aggregates, orders and pages the groups', () => {
    const { sql, params } = compile(
      'aggregate[count]=*&groupBy=status,type&sort=-type&limit=5&page=2',
    );
    expect(sql).toBe(
      `SELECT json_build_object('status', t0."status", 'type', t0."type", 'count', count(*)) AS item ` +
        `FROM "unique_code" AS t0 WHERE t0."account" = $1::uuid GROUP BY t0."status", t0."type" ` +
        `ORDER BY t0."type" DESC LIMIT $2::bigint OFFSET $3::bigint`,
    );
    expect(params).toEqual([ACCOUNT, 5, 5]);
    expect(compile('groupBy=status').sql).toContain('ORDER BY t0."status" ASC');
  });

  it.each([
    ['', /needs "aggregate" or "groupBy"/],
    ['aggregate[sum]=code', /"aggregate\[sum\]": "code" is string; sum needs a numeric field/],
    ['aggregate[avg]=nope', /"aggregate\[avg\]": field "nope" does not exist/],
    ['aggregate[count]=*&groupBy=nope', /"groupBy": field "nope" does not exist/],
    ['aggregate[count]=*&groupBy=status&sort=code', /"sort": "code" is not a groupBy field/],
    ['aggregate[min]=id', /"aggregate\[min\]": "id" is uuid and has no min/],
  ])('refuses ?%s', (text, message) => rejects(text, message));

  it('refuses one-to-many and JSON fields where they cannot work', () => {
    rejects('aggregate[count]=codes', /"codes" is a one-to-many field/, 'code_reservation');
    rejects('groupBy=attributes', /"attributes" is a JSON field/, 'product');
    rejects('aggregate[countDistinct]=attributes', /"attributes" is a JSON field/, 'product');
    rejects('aggregate[max]=finished_product', /is boolean and has no max/, 'product');
    expect(compile('aggregate[count]=attributes', 'product').sql).toContain(
      'count(t0."attributes")',
    );
  });
});
