import { parse } from 'qs';
import { InvalidQueryError } from '@sid/shared/errors';
import { ALL_ROWS } from './item-query';
import { parseItemQuery } from './parse-item-query';

const limits = { defaultLimit: 100, maxLimit: 1000 };

/** As Express 5 delivers `req.query` with the extended parser. */
function query(text: string) {
  return parseItemQuery(parse(text, { allowPrototypes: true }), limits);
}

function rejects(text: string, message: RegExp) {
  expect(() => query(text)).toThrow(InvalidQueryError);
  expect(() => query(text)).toThrow(message);
}

describe('parseItemQuery', () => {
  it('gives Directus defaults when nothing is asked', () => {
    expect(query('')).toEqual({
      fields: ['*'],
      filter: null,
      search: null,
      sort: [],
      limit: 100,
      offset: 0,
      meta: [],
      aggregate: null,
      groupBy: [],
      deep: new Map(),
      relationLimit: 100,
    });
  });

  describe('fields', () => {
    it('accepts comma lists, arrays, relations and wildcards', () => {
      expect(query('fields=id, code ,product.gtin').fields).toEqual(['id', 'code', 'product.gtin']);
      expect(query('fields[]=id&fields[]=codes.*,*.*').fields).toEqual(['id', 'codes.*', '*.*']);
      expect(query('fields=a.b.c.d.e.f').fields).toEqual(['a.b.c.d.e.f']);
    });

    it.each([
      ['fields=id;drop table x', /"fields": "id;drop table x" is not a field path/],
      ['fields=id,"x"', /"fields": "\\"x\\"" is not a field path/],
      ['fields=product..gtin', /not a field path/],
      ['fields=a.b.c.d.e.f.g', /nested more than 5 relations deep/],
      ['fields[a]=id', /"fields" must be an array/],
    ])('refuses %s', (text, message) => rejects(text, message));
  });

  describe('limit, offset, page', () => {
    it('reads integers, -1 as every row and 0 as zero', () => {
      expect(query('limit=25&offset=50')).toMatchObject({ limit: 25, offset: 50 });
      expect(parseItemQuery({ limit: '-1' }, { defaultLimit: 100 }).limit).toBe(ALL_ROWS);
      expect(parseItemQuery({ limit: '-1' }, { defaultLimit: 100, maxLimit: null }).limit).toBe(
        ALL_ROWS,
      );
      expect(query('limit=0').limit).toBe(0);
      expect(query('limit=1000').limit).toBe(1000);
    });

    it('turns a 1-based page into an offset of whole pages', () => {
      expect(query('limit=20&page=3')).toMatchObject({ limit: 20, offset: 40 });
      expect(query('page=1&offset=7').offset).toBe(0);
      expect(query('page=2').offset).toBe(100);
    });

    it.each([
      ['limit=1001', /"limit" must not be greater than 1000, got 1001/],
      // With a maximum, every row is more than it: said, never cut to the maximum.
      ['limit=-1', /"limit" must not be greater than 1000: -1 \(every row\) is not allowed here/],
      ['limit=abc', /"limit" must be a non-negative integer, got "abc"/],
      ['limit=1.5', /"limit" must be a non-negative integer/],
      ['limit=-2', /"limit" must be a non-negative integer/],
      ['limit=1&limit=2', /"limit" must be a single value/],
      ['offset=-1', /"offset" must be a non-negative integer/],
      ['offset=99999999999999999999', /"offset" must be a non-negative integer/],
      ['page=0', /"page" must be 1 or more/],
      ['page=x', /"page" must be a non-negative integer/],
    ])('refuses %s', (text, message) => rejects(text, message));

    it('names the maximum in the error extensions', () => {
      try {
        query('limit=5000');
        throw new Error('no error');
      } catch (error) {
        expect((error as InvalidQueryError).extensions).toEqual({ maxLimit: 1000 });
      }
    });
  });

  describe('sort', () => {
    it('reads ascending and -descending fields from a list or an array', () => {
      expect(query('sort=-date_created,code').sort).toEqual([
        { field: 'date_created', direction: 'desc' },
        { field: 'code', direction: 'asc' },
      ]);
      expect(query('sort[]=-status&sort[]=id').sort).toEqual([
        { field: 'status', direction: 'desc' },
        { field: 'id', direction: 'asc' },
      ]);
    });

    it.each([
      ['sort=-"x"', /"sort": "-\\"x\\"" is not a field name/],
      ['sort=product.gtin', /"sort": "product.gtin" is not a field name/],
      ['sort=id desc', /is not a field name/],
      ['sort=--id', /is not a field name/],
      ['sort=?', /is not a field name/],
    ])('refuses %s', (text, message) => rejects(text, message));
  });

  describe('search, meta, groupBy', () => {
    it('reads them', () => {
      const parsed = query('search=17DZ&meta=total_count,filter_count&groupBy=status,type');
      expect(parsed).toMatchObject({
        search: '17DZ',
        meta: ['total_count', 'filter_count'],
        groupBy: ['status', 'type'],
      });
      expect(query('meta=*').meta).toEqual(['total_count', 'filter_count']);
      expect(query('meta[]=filter_count').meta).toEqual(['filter_count']);
      expect(query('groupBy[]=status').groupBy).toEqual(['status']);
    });

    it.each([
      ['meta=everything', /"meta": "everything" is not supported/],
      ['search[a]=b', /"search" must be a single string/],
      ['groupBy=year(date_created)', /"groupBy": "year\(date_created\)" is not a field name/],
      ['alias[x]=id', /"alias" query parameter is not supported/],
      ['export=csv', /"export" query parameter is not supported/],
    ])('refuses %s', (text, message) => rejects(text, message));

    it('ignores parameters it does not know, such as access_token', () => {
      expect(query('access_token=abc').fields).toEqual(['*']);
    });
  });

  describe('aggregate', () => {
    it('reads functions and their fields, from qs or JSON', () => {
      expect(
        query('aggregate[count]=*&aggregate[sum]=quantity,quantity_created').aggregate,
      ).toEqual({ count: ['*'], sum: ['quantity', 'quantity_created'] });
      expect(
        query('aggregate={"countDistinct":["status"],"max":"date_created"}').aggregate,
      ).toEqual({ countDistinct: ['status'], max: ['date_created'] });
    });

    it.each([
      ['aggregate[median]=quantity', /"aggregate\[median\]": unknown function "median"/],
      ['aggregate[sum]=*', /"aggregate\[sum\]": "\*" is not a field name\./],
      ['aggregate[count]=*,id', /use either \* or field names, not both/],
      ['aggregate[count]=id);drop', /"aggregate\[count\]": "id\);drop" is not a field name or \*/],
      ['aggregate=[1]', /"aggregate" must be an object/],
      ['aggregate={bad json', /"aggregate" must be an object or valid JSON/],
    ])('refuses %s', (text, message) => rejects(text, message));
  });

  describe('deep', () => {
    it('reads _limit, _offset, _sort and _filter, nested through relations', () => {
      const deep = parseItemQuery(
        parse(
          'deep[codes][_limit]=10&deep[codes][_offset]=5&deep[codes][_sort]=-code' +
            '&deep[codes][_filter][status][_eq]=reserved&deep[codes][identifier_job][x][_limit]=-1',
        ),
        { defaultLimit: 100 },
      ).deep;
      const codes = deep.get('codes')!;
      expect(codes).toMatchObject({
        limit: 10,
        offset: 5,
        sort: [{ field: 'code', direction: 'desc' }],
        filter: {
          type: 'condition',
          field: 'status',
          operator: '_eq',
          value: 'reserved',
          path: 'deep[codes][_filter][status][_eq]',
        },
      });
      expect(codes.nested.get('identifier_job')!.nested.get('x')!.limit).toBe(ALL_ROWS);
    });

    it('accepts JSON', () => {
      expect(query('deep={"codes":{"_limit":3}}').deep.get('codes')!.limit).toBe(3);
    });

    it.each([
      ['deep[codes][_limit]=5000', /"deep\[codes\]\[_limit\]" must not be greater than 1000/],
      ['deep[codes][_search]=x', /"deep\[codes\]\[_search\]": unknown option "_search"/],
      ['deep[codes]=3', /"deep\[codes\]" must be an object of _limit/],
      ['deep[co-des][_limit]=3', /"deep\[co-des\]": "co-des" is not a field name/],
      ['deep[codes][_filter][status][_like]=x', /unknown operator "_like"/],
    ])('refuses %s', (text, message) => rejects(text, message));
  });
});
