import { parse } from 'qs';
import { InvalidQueryError } from '@sid/shared/errors';
import { FilterNode } from './item-query';
import { parseFilter } from './parse-filter';

/** The `filter` parameter as Express 5's extended parser delivers it. */
function filterOf(text: string): FilterNode | null {
  return parseFilter(parse(text, { allowPrototypes: true }).filter, 'filter');
}

function rejects(text: string, message: RegExp) {
  expect(() => filterOf(text)).toThrow(InvalidQueryError);
  expect(() => filterOf(text)).toThrow(message);
}

const condition = (field: string, operator: string, value: unknown, path: string) => ({
  type: 'condition',
  field,
  operator,
  value,
  path,
});

describe('parseFilter', () => {
  it('reads a field condition from qs and from JSON alike', () => {
    const expected = condition('status', '_eq', 'new', 'filter[status][_eq]');
    expect(filterOf('filter[status][_eq]=new')).toEqual(expected);
    expect(filterOf(`filter=${encodeURIComponent('{"status":{"_eq":"new"}}')}`)).toEqual(expected);
  });

  it('keeps JSON numbers, booleans and null as they are', () => {
    expect(filterOf('filter={"quantity":{"_gt":5}}')).toMatchObject({ value: 5 });
    expect(filterOf('filter={"finished":{"_eq":true}}')).toMatchObject({ value: true });
    expect(filterOf('filter={"product":{"_eq":null}}')).toMatchObject({ value: null });
  });

  it('treats an empty filter as no filter', () => {
    expect(filterOf('')).toBeNull();
    expect(filterOf('filter={}')).toBeNull();
  });

  it('ANDs several fields and several operators on one field', () => {
    expect(
      filterOf('filter[status][_neq]=new&filter[quantity][_gte]=1&filter[quantity][_lt]=9'),
    ).toEqual({
      type: 'and',
      nodes: [
        condition('status', '_neq', 'new', 'filter[status][_neq]'),
        condition('quantity', '_gte', '1', 'filter[quantity][_gte]'),
        condition('quantity', '_lt', '9', 'filter[quantity][_lt]'),
      ],
    });
  });

  it('reads _and / _or as arrays and as the numeric-key objects qs makes past 20 items', () => {
    const asArray = filterOf('filter[_or][0][status][_eq]=a&filter[_or][1][status][_eq]=b');
    expect(asArray).toEqual({
      type: 'or',
      nodes: [
        condition('status', '_eq', 'a', 'filter[_or][0][status][_eq]'),
        condition('status', '_eq', 'b', 'filter[_or][1][status][_eq]'),
      ],
    });
    const asObject = parseFilter(
      {
        _and: {
          '1': { code: { _eq: 'late' } },
          '0': { code: { _eq: 'early' } },
        },
      },
      'filter',
    );
    expect(asObject).toMatchObject({
      type: 'and',
      nodes: [{ value: 'early' }, { value: 'late' }],
    });
  });

  it('refuses a list with gaps in its indexes (`_in[999]=x` is not a list of one)', () => {
    expect(() => filterOf('filter[code][_in][999]=x')).toThrow(
      '"filter[code][_in]" must be a list indexed 0, 1, 2... without gaps, got index 999.',
    );
    expect(() =>
      parseFilter(
        { _and: { '0': { code: { _eq: 'a' } }, '21': { code: { _eq: 'b' } } } },
        'filter',
      ),
    ).toThrow('got index 21');
  });

  it('reads lists for _in / _nin / _between from commas, arrays and JSON', () => {
    expect(filterOf('filter[status][_in]=a,b,c')).toMatchObject({ value: ['a', 'b', 'c'] });
    expect(filterOf('filter[status][_nin][]=a&filter[status][_nin][]=b,c')).toMatchObject({
      value: ['a', 'b,c'],
    });
    expect(filterOf('filter={"quantity":{"_between":[1,10]}}')).toMatchObject({ value: [1, 10] });
    expect(filterOf('filter[date_created][_nbetween]=2024-01-01,2024-02-01')).toMatchObject({
      value: ['2024-01-01', '2024-02-01'],
    });
  });

  it('reads _null / _nnull / _empty / _nempty as booleans', () => {
    expect(filterOf('filter[reservation][_null]=true')).toMatchObject({ value: true });
    expect(filterOf('filter={"reservation":{"_nnull":false}}')).toMatchObject({ value: false });
    expect(filterOf('filter[custom_id][_empty]=1')).toMatchObject({ value: true });
  });

  it('reads relational filters: m2o, o2m, _some and _none', () => {
    expect(filterOf('filter[product][gtin][_eq]=09312345551927')).toEqual({
      type: 'relation',
      field: 'product',
      quantifier: null,
      filter: condition('gtin', '_eq', '09312345551927', 'filter[product][gtin][_eq]'),
      path: 'filter[product]',
    });
    expect(filterOf('filter[codes][_none][status][_eq]=encoded')).toMatchObject({
      type: 'relation',
      field: 'codes',
      quantifier: 'none',
      filter: { field: 'status', value: 'encoded' },
    });
    expect(filterOf('filter[codes][_some][_or][0][code][_eq]=a')).toMatchObject({
      quantifier: 'some',
      filter: { type: 'or', nodes: [{ field: 'code' }] },
    });
  });

  it('unfolds the keys qs leaves unparsed past its depth limit of 5', () => {
    const text =
      'filter[_and][0][_or][0][product][gtin][_eq]=1&filter[_and][0][_or][0][product][gtin][_neq]=2';
    expect(parse(text).filter).toEqual({
      _and: [{ _or: [{ product: { '[gtin][_eq]': '1', '[gtin][_neq]': '2' } }] }],
    });
    expect(filterOf(text)).toEqual({
      type: 'and',
      nodes: [
        {
          type: 'or',
          nodes: [
            {
              type: 'relation',
              field: 'product',
              quantifier: null,
              path: 'filter[_and][0][_or][0][product]',
              filter: {
                type: 'and',
                nodes: [
                  condition('gtin', '_eq', '1', 'filter[_and][0][_or][0][product][gtin][_eq]'),
                  condition('gtin', '_neq', '2', 'filter[_and][0][_or][0][product][gtin][_neq]'),
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it.each([
    ["filter[x'||'][_eq]=1", /"filter\[x'\|\|'\]": "x'\|\|'" is not a field name/],
    ['filter[status][_like]=new', /"filter\[status\]\[_like\]": unknown operator "_like"/],
    ['filter[status][_regex]=.*', /unknown operator "_regex"/],
    ['filter[_eq]=new', /"filter\[_eq\]": the operator _eq must follow a field name/],
    ['filter[status]=new', /"filter\[status\]" must be an object of operators/],
    ['filter[status][_eq][a]=b', /"filter\[status\]\[_eq\]" must be a single value/],
    ['filter[status][_null]=maybe', /"filter\[status\]\[_null\]" must be true or false/],
    ['filter[date][_between]=2024-01-01', /must be two values "from,to", got 1/],
    ['filter[_or][a][status][_eq]=x', /"filter\[_or\]" must be an array/],
    ['filter[_and][0]=x', /"filter\[_and\]\[0\]" must be an object/],
    ['filter={"_or":[]}', /"filter\[_or\]" must not be empty/],
    ['filter={"status":{}}', /"filter\[status\]" must not be empty/],
    ['filter=[1,2]', /"filter" must be an object/],
    ['filter={"status":', /"filter" must be an object or valid JSON/],
    [
      'filter={"status":{"_in":[{"a":1}]}}',
      /"filter\[status\]\[_in\]\[0\]" must be a single value/,
    ],
  ])('refuses %s', (text, message) => rejects(text, message));

  it('refuses filters nested deeper than it will compile', () => {
    let deep: unknown = { code: { _eq: 'x' } };
    for (let i = 0; i < 20; i++) deep = { _and: [deep] };
    expect(() => parseFilter(deep, 'filter')).toThrow(/nested too deeply/);
  });
});
