import { parse } from 'qs';
import { InvalidQueryError } from '@sid/shared/errors';
import { compileCountQuery, compileItemQuery } from './compile-item-query';
import { itemByIdQuery } from './item-by-id';
import { parseItemQuery } from './parse-item-query';
import { CollectionRegistry, QueryScope } from '@sid/shared/items';
import { TEST_COLLECTIONS, WIDE_FIELD_COUNT, testRegistry } from './testing/test-collections';

const registry = testRegistry();
const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const tenant: QueryScope = { accountId: ACCOUNT, userId: null };
const admin: QueryScope = { accountId: null, userId: null };

function itemQuery(text: string) {
  return parseItemQuery(parse(text, { allowPrototypes: true }), {
    defaultLimit: 100,
    maxLimit: 1000,
  });
}

function compile(collection: string, text: string, scope: QueryScope = tenant) {
  return compileItemQuery(registry, collection, itemQuery(text), scope);
}

function rejects(collection: string, text: string, message: RegExp) {
  expect(() => compile(collection, text)).toThrow(InvalidQueryError);
  expect(() => compile(collection, text)).toThrow(message);
}

describe('compileItemQuery', () => {
  it('selects declared columns as a json object, paged, ordered by primary key', () => {
    const { sql, params } = compile('identifier_job', 'fields=id,status&limit=10&offset=20');
    expect(sql).toBe(
      `SELECT json_build_object('id', t0."id", 'status', t0."status") AS item ` +
        `FROM "identifier_job" AS t0 WHERE t0."account" = $1::uuid ` +
        `ORDER BY t0."id" ASC LIMIT $2::bigint OFFSET $3::bigint`,
    );
    expect(params).toEqual([ACCOUNT, 10, 20]);
  });

  it('drops the tenant condition for admins', () => {
    const { sql, params } = compile('identifier_job', 'fields=id', admin);
    expect(sql).not.toContain('"account" =');
    expect(params).toEqual([100, 0]);
  });

  it('expands * to every field but one-to-many ones, using column names and ISO timestamps', () => {
    const { sql } = compile('unique_code', '');
    expect(sql).toContain(`'epc_join_key', t0."epc_key"`);
    expect(sql).toContain(
      `'date_created', to_char(t0."date_created" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    );
    expect(sql).toContain(`'product', t0."product"`);
    expect(compile('code_reservation', 'fields=*').sql).not.toContain("'codes'");
  });

  it('nests many-to-one relations as tenant-scoped correlated subqueries', () => {
    const { sql, params } = compile(
      'unique_code',
      'fields=code,product.gtin,product.parent_product.id',
    );
    expect(sql).toContain(
      `'product', (SELECT json_build_object('gtin', t1."gtin", 'parent_product', ` +
        `(SELECT json_build_object('id', t2."id") FROM "product" AS t2 WHERE t2."id" = t1."parent_product" ` +
        `AND t2."account" = $1::uuid)) FROM "product" AS t1 WHERE t1."id" = t0."product" AND t1."account" = $1::uuid)`,
    );
    expect(params.filter((p) => p === ACCOUNT)).toHaveLength(1);
  });

  it('aggregates one-to-many fields: keys when bare, objects with subfields, limited', () => {
    const bare = compile('code_reservation', 'fields=id,codes');
    expect(bare.sql).toContain(
      `(SELECT coalesce(json_agg(t2.v ORDER BY t2.n), '[]'::json) FROM (SELECT t1."id" AS v, ` +
        `row_number() OVER (ORDER BY t1."id" ASC) AS n FROM "unique_code" AS t1 ` +
        `WHERE t1."reservation" = t0."id" AND t1."account" = $1::uuid ORDER BY t1."id" ASC LIMIT $2::bigint) AS t2)`,
    );
    expect(bare.params[1]).toBe(100);
    const objects = compile('code_reservation', 'fields=codes.code,codes.product.gtin');
    expect(objects.sql).toContain(`SELECT json_build_object('code', t1."code", 'product', (SELECT`);
  });

  it('applies deep _limit, _offset, _sort and _filter inside the one-to-many subquery', () => {
    const { sql, params } = compile(
      'code_reservation',
      'fields=codes.code&deep[codes][_limit]=5&deep[codes][_offset]=2&deep[codes][_sort]=-code' +
        '&deep[codes][_filter][status][_eq]=reserved',
    );
    expect(sql).toContain(
      `AND t1."status" = $2::text ORDER BY t1."code" DESC, t1."id" ASC LIMIT $3::bigint OFFSET $4::bigint`,
    );
    expect(params.slice(0, 4)).toEqual([ACCOUNT, 'reserved', 5, 2]);
  });

  it('expands *.* to every relation, one-to-many included', () => {
    const { sql } = compile('code_reservation', 'fields=*.*');
    expect(sql).toMatch(/'product', \(SELECT json_build_object\('id', t\d+\."id", 'gtin'/);
    expect(sql).toMatch(/'codes', \(SELECT coalesce\(json_agg/);
    expect(sql).toMatch(/'account', \(SELECT json_build_object\('id', t\d+\."id", 'name'/);
  });

  it('merges objects wider than 50 keys with jsonb, never passing more than 100 arguments', () => {
    const { sql } = compile('wide', '', admin);
    const calls = sql.match(/json_build_object\(([^)]*)\)/g)!;
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.split(', ').length).toBeLessThanOrEqual(100);
    expect(sql).toContain(`)::jsonb || json_build_object('f50'`);
    expect(sql.match(/'f\d+'/g)).toHaveLength(WIDE_FIELD_COUNT);
  });

  it('sorts by the given fields and appends the primary key once', () => {
    expect(compile('unique_code', 'sort=-status,code').sql).toContain(
      'ORDER BY t0."status" DESC, t0."code" ASC, t0."id" ASC LIMIT',
    );
    expect(compile('unique_code', 'sort=-id,code').sql).toContain(
      'ORDER BY t0."id" DESC, t0."code" ASC LIMIT',
    );
  });

  it('searches the search fields with an escaped, bound pattern', () => {
    const { sql, params } = compile('unique_code', 'fields=id&search=50%_off\\');
    expect(sql).toContain('(t0."code" ILIKE $2::text OR t0."digital_link" ILIKE $2::text)');
    expect(params[1]).toBe('%50\\%\\_off\\\\%');
  });

  it('narrows to one primary key with itemByIdQuery', () => {
    const query = itemByIdQuery(itemQuery('filter[status][_eq]=new'), 'id', ACCOUNT);
    const { sql, params } = compileItemQuery(registry, 'identifier_job', query, admin);
    expect(sql).toContain('WHERE (t0."id" = $1::uuid AND t0."status" = $2::text)');
    expect(params).toEqual([ACCOUNT, 'new', 1, 0]);
    const bad = itemByIdQuery(itemQuery(''), 'id', 'nope');
    expect(() => compileItemQuery(registry, 'identifier_job', bad, admin)).toThrow(
      /"id" must be a UUID/,
    );
  });

  describe('never lets user text into SQL', () => {
    const evil = "'; DROP TABLE product; --";

    it('binds malicious values as parameters', () => {
      const { sql, params } = compile(
        'unique_code',
        `filter[code][_eq]=${encodeURIComponent(evil)}&search=${encodeURIComponent(evil)}`,
      );
      expect(sql).not.toContain('DROP');
      expect(params).toContain(evil);
    });

    it.each([
      ['unique_code', 'fields=id;drop table x', /"fields": "id;drop table x" is not a field path/],
      ['unique_code', 'sort=-"x"', /"sort": "-\\"x\\"" is not a field name/],
      ['unique_code', "filter[x'||'][_eq]=1", /is not a field name/],
      ['unique_code', 'filter[code][_like]=x', /unknown operator "_like"/],
      [
        'unique_code',
        'fields=nope',
        /"fields": field "nope" does not exist in collection "unique_code"/,
      ],
      ['unique_code', 'fields=constructor', /field "constructor" does not exist/],
      ['unique_code', 'fields=product.nope', /field "nope" does not exist in collection "product"/],
      ['unique_code', 'fields=status.code', /"status" is not a relational field/],
      ['unique_code', 'sort=nope', /"sort": field "nope" does not exist/],
      ['code_reservation', 'sort=codes', /"codes" is a one-to-many field and cannot be sorted/],
      ['product', 'sort=attributes', /"attributes" is a JSON field/],
      ['unique_code', 'filter={"__proto__":{"_eq":1}}', /field "__proto__" does not exist/],
      [
        'unique_code',
        'filter[nope][_eq]=1',
        /"filter\[nope\]\[_eq\]": field "nope" does not exist/,
      ],
      [
        'unique_code',
        'filter[status][code][_eq]=1',
        /"filter\[status\]": "status" is not a relational field/,
      ],
      [
        'code_reservation',
        'filter[codes][_eq]=1',
        /"codes" is a one-to-many field; filter on its related fields/,
      ],
      [
        'unique_code',
        'filter[product][_some][gtin][_eq]=1',
        /_some \/ _none only apply to one-to-many/,
      ],
      [
        'unique_code',
        'deep[product][_limit]=1',
        /"deep\[product\]": _limit.*only apply to one-to-many/,
      ],
      [
        'unique_code',
        'deep[status][_limit]=1',
        /"deep\[status\]": "status" is not a relational field/,
      ],
      ['code_reservation', 'deep[nope][_limit]=1', /field "nope" does not exist/],
      [
        'code_reservation',
        'deep[codes][_sort]=nope',
        /"deep\[codes\]\[_sort\]": field "nope" does not exist in collection "unique_code"/,
      ],
      [
        'code_reservation',
        'fields=codes.code&deep[codes][_filter][nope][_eq]=1',
        /"deep\[codes\]\[_filter\]\[nope\]\[_eq\]": field "nope"/,
      ],
    ])('%s ?%s is refused', (collection, text, message) => rejects(collection, text, message));

    it('generates every alias and refuses unknown collections', () => {
      const { sql } = compile(
        'code_reservation',
        'fields=codes.product.gtin&filter[codes][product][gtin][_eq]=x',
      );
      expect(sql.match(/ AS (\w+)/g)!.every((a) => /^ AS (t\d+|item|v|n)$/.test(a))).toBe(true);
      expect(() => compile('account; drop', '')).toThrow(
        'Collection "account; drop" does not exist.',
      );
    });
  });
});

describe('compileCountQuery', () => {
  const query = itemQuery('filter[status][_eq]=new&search=ab');

  it('counts everything the caller may see for total_count', () => {
    expect(compileCountQuery(registry, 'unique_code', query, tenant, 'total')).toEqual({
      sql: 'SELECT count(*)::float8 AS count FROM "unique_code" AS t0 WHERE t0."account" = $1::uuid',
      params: [ACCOUNT],
    });
  });

  it('counts the matches of filter and search for filter_count', () => {
    const { sql, params } = compileCountQuery(registry, 'unique_code', query, admin, 'filter');
    expect(sql).toBe(
      'SELECT count(*)::float8 AS count FROM "unique_code" AS t0 WHERE t0."status" = $1::text ' +
        'AND (t0."code" ILIKE $2::text OR t0."digital_link" ILIKE $2::text)',
    );
    expect(params).toEqual(['new', '%ab%']);
  });
});

describe('compileCountQuery with a tally', () => {
  // unique_code with a tally of its rows per account, status, type and product.
  const tallied = new CollectionRegistry(
    TEST_COLLECTIONS.map((definition) =>
      definition.name === 'unique_code'
        ? {
            ...definition,
            tally: { table: 'code_tally', countColumn: 'n', fields: ['status', 'type', 'product'] },
          }
        : definition,
    ),
  );
  const count = (text: string, kind: 'total' | 'filter', scope = tenant) =>
    compileCountQuery(tallied, 'unique_code', itemQuery(text), scope, kind);

  it('sums the matching groups when the filter tests tallied fields only', () => {
    expect(
      count('filter[status][_eq]=unassigned&filter[product][_in]=/01/1,/01/2', 'filter'),
    ).toEqual({
      sql:
        'SELECT coalesce(sum(t0."n"), 0)::float8 AS count FROM "code_tally" AS t0 ' +
        'WHERE t0."account" = $1::uuid AND (t0."status" = $2::text AND t0."product" = ANY($3::text[]))',
      params: [ACCOUNT, 'unassigned', ['/01/1', '/01/2']],
    });
    const { sql } = count(
      'filter[_or][0][status][_neq]=x&filter[_or][1][type][_null]=true',
      'filter',
      admin,
    );
    expect(sql).toBe(
      'SELECT coalesce(sum(t0."n"), 0)::float8 AS count FROM "code_tally" AS t0 ' +
        'WHERE (t0."status" <> $1::text OR t0."type" IS NULL)',
    );
  });

  it('answers total_count from the tally whatever the filter and search', () => {
    expect(count('filter[code][_eq]=x&search=ab', 'total').sql).toBe(
      'SELECT coalesce(sum(t0."n"), 0)::float8 AS count FROM "code_tally" AS t0 WHERE t0."account" = $1::uuid',
    );
  });

  it('counts the rows when the filter reads anything else: another field, a relation, a search', () => {
    for (const text of [
      'filter[status][_eq]=new&filter[code][_eq]=x',
      'filter[product][gtin][_eq]=09506000134352',
      'filter[status][_eq]=new&search=ab',
    ]) {
      expect(count(text, 'filter').sql).toMatch(
        /^SELECT count\(\*\)::float8 AS count FROM "unique_code"/,
      );
    }
  });

  it('rejects a bad value as the collection would', () => {
    expect(() => count('filter[status][_eq][x]=1', 'filter')).toThrow(InvalidQueryError);
  });
});
