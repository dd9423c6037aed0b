import { parse, print } from 'graphql';
import { COLLECTIONS, ITEM_COLLECTIONS } from '../items/collections';
import {
  collapseKeySelections,
  expandKeySelections,
  isKeySelection,
  KEY_ALIAS,
} from './graphql-key-selections';
import { buildGraphqlSchema, GraphqlItemOperations } from './graphql-schema.factory';

const unused = () => Promise.reject(new Error('not called'));
const operations: GraphqlItemOperations = {
  list: unused,
  aggregated: unused,
  byId: unused,
  create: unused,
  createMany: unused,
  update: unused,
  delete: unused,
};
const schema = buildGraphqlSchema({
  registry: COLLECTIONS,
  collections: ITEM_COLLECTIONS,
  writable: [],
  operations,
});

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('expandKeySelections', () => {
  it('gives bare relational and reference fields a selection of their key, in fragments too', () => {
    const document = parse(`{
      unique_code { product identifier_job { id } code }
      product { brand net_weight_unit { code } ...P }
    }
    fragment P on product { product_manufacturer packaging_type_code }`);
    expect(squash(print(expandKeySelections(schema, document)))).toBe(
      squash(`{
        unique_code { product { ${KEY_ALIAS}: id } identifier_job { id } code }
        product { brand { ${KEY_ALIAS}: id } net_weight_unit { code } ...P }
      }
      fragment P on product { product_manufacturer { ${KEY_ALIAS}: id } packaging_type_code { ${KEY_ALIAS}: code } }`),
    );
  });

  it('leaves scalars, unknown fields and documents without bare relations alone', () => {
    const document = parse(`{ unique_code { code nonsense { x } } }`);
    expect(expandKeySelections(schema, document)).toBe(document);
  });

  it('marks the added selection so the translation can tell it from a real one', () => {
    const expanded = expandKeySelections(schema, parse(`{ unique_code { product } }`));
    const root = expanded.definitions[0];
    if (root.kind !== 'OperationDefinition') throw new Error('expected an operation');
    const codes = root.selectionSet.selections[0];
    if (codes.kind !== 'Field') throw new Error('expected a field');
    const product = codes.selectionSet!.selections[0];
    if (product.kind !== 'Field') throw new Error('expected a field');
    expect(isKeySelection(product.selectionSet)).toBe(true);
    const real = parse(`{ product { id } }`).definitions[0];
    if (real.kind !== 'OperationDefinition') throw new Error('expected an operation');
    const field = real.selectionSet.selections[0];
    expect(field.kind === 'Field' && isKeySelection(field.selectionSet)).toBe(false);
  });
});

describe('collapseKeySelections', () => {
  it('replaces objects holding only the key by the key, at any depth', () => {
    expect(
      collapseKeySelections({
        list: [
          { product: { [KEY_ALIAS]: '/01/1' }, job: { id: 'j', [KEY_ALIAS]: 'j' }, none: null },
          { codes: [{ [KEY_ALIAS]: 'c1' }, { [KEY_ALIAS]: 'c2' }] },
        ],
      }),
    ).toEqual({
      list: [
        { product: '/01/1', job: { id: 'j', [KEY_ALIAS]: 'j' }, none: null },
        { codes: ['c1', 'c2'] },
      ],
    });
  });

  it('returns plain objects for graphql-js null-prototype results', () => {
    const data = Object.create(null) as Record<string, unknown>;
    data.a = 1;
    const collapsed = collapseKeySelections(data);
    expect(Object.getPrototypeOf(collapsed)).toBe(Object.prototype);
    expect(collapsed).toEqual({ a: 1 });
  });
});
