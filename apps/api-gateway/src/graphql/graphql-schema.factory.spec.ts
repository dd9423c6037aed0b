import {
  assertValidSchema,
  execute,
  getNamedType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  GraphQLSchema,
  parse,
  validate,
} from 'graphql';
import { COLLECTIONS, ITEM_COLLECTIONS } from '../items/collections';
import { collapseKeySelections, expandKeySelections } from './graphql-key-selections';
import { buildGraphqlSchema, GraphqlItemOperations, ListArguments } from './graphql-schema.factory';
import * as SPEC from './test-spec-documents';

const DOCUMENTS: [string, string][] = Object.entries(SPEC).flatMap(([name, value]) =>
  typeof value === 'string' ? [[name, value] as [string, string]] : [],
);

interface Calls {
  list: { collection: string; args: ListArguments }[];
  create: { collection: string; data: Record<string, unknown> }[];
}

function schemaWith(rows: Record<string, unknown>[], calls?: Calls): GraphQLSchema {
  const unused = () => Promise.reject(new Error('not called in this test'));
  const operations: GraphqlItemOperations = {
    list: async (_context, collection, args) => {
      calls?.list.push({ collection, args });
      return rows;
    },
    aggregated: unused,
    byId: async () => rows[0] ?? null,
    create: async (_context, collection, data) => {
      calls?.create.push({ collection, data });
      return rows[0];
    },
    createMany: unused,
    update: unused,
    delete: async (_context, _collection, id) => ({ id }),
  };
  return buildGraphqlSchema({
    registry: COLLECTIONS,
    collections: ITEM_COLLECTIONS,
    writable: ['product', 'unique_code', 'code_reservation'],
    operations,
  });
}

const schema = schemaWith([]);

function objectType(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${name} is not an object type`);
  return type;
}

function inputType(name: string): GraphQLInputObjectType {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLInputObjectType)) throw new Error(`${name} is not an input type`);
  return type;
}

async function run(target: GraphQLSchema, text: string, variableValues?: Record<string, unknown>) {
  const document = expandKeySelections(target, parse(text));
  expect(validate(target, document)).toEqual([]);
  const result = await execute({
    schema: target,
    document,
    variableValues,
    contextValue: { actor: { userId: 'u', accountId: 'a', admin: false } },
  });
  expect(result.errors).toBeUndefined();
  return collapseKeySelections(result.data) as Record<string, unknown>;
}

describe('buildGraphqlSchema', () => {
  it('builds a valid schema', () => {
    expect(() => assertValidSchema(schema)).not.toThrow();
  });

  it.each(DOCUMENTS)(
    'accepts the spec example %s once bare relations are expanded',
    (_name, text) => {
      expect(validate(schema, expandKeySelections(schema, parse(text)))).toEqual([]);
    },
  );

  it('needs the expansion for the examples that select relations bare', () => {
    const errors = validate(schema, parse(SPEC.UNIQUE_CODE_LIST));
    expect(errors.map((error) => error.message)).toEqual([
      'Field "product" of type "product" must have a selection of subfields. Did you mean "product { ... }"?',
    ]);
  });

  it('has root fields for the item collections only', () => {
    const query = schema.getQueryType()!.getFields();
    for (const name of ITEM_COLLECTIONS) {
      expect(query[name].type.toString()).toBe(`[${name}!]!`);
      expect(query[`${name}_by_id`].type.toString()).toBe(name);
      expect(query[`${name}_by_id`].args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual([
        'id: ID!',
      ]);
      expect(query[`${name}_aggregated`].type.toString()).toBe(`[${name}_aggregated!]!`);
    }
    expect(query[ITEM_COLLECTIONS[0]].args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual([
      `filter: ${ITEM_COLLECTIONS[0]}_filter`,
      'sort: [String]',
      'limit: Int',
      'offset: Int',
      'page: Int',
      'search: String',
    ]);
    for (const hidden of ['users', 'account', 'file', 'directus_users', 'directus_files']) {
      expect(query[hidden]).toBeUndefined();
      expect(query[`${hidden}_by_id`]).toBeUndefined();
    }
    expect(Object.keys(query)).toHaveLength(ITEM_COLLECTIONS.length * 3);
  });

  it('maps field types and names relation targets as Directus does', () => {
    const code = objectType('unique_code').getFields();
    expect(code.id.type.toString()).toBe('ID!');
    expect(code.identifier_job.type.toString()).toBe('identifier_job');
    expect(code.user_created.type.toString()).toBe('directus_users');
    expect(code.date_created.type.toString()).toBe('String');
    const job = objectType('identifier_job').getFields();
    expect(job.quantity.type.toString()).toBe('Int');
    expect(job.sscc_start_serial.type.toString()).toBe('Float');
    expect(job.epc_mode.type.toString()).toBe('Boolean');
    expect(job.codes.type.toString()).toBe('[unique_code]');
    expect(job.codes.args.map((arg) => arg.name)).toEqual([
      'filter',
      'sort',
      'limit',
      'offset',
      'page',
    ]);
    const product = objectType('product').getFields();
    expect(product.translations.type.toString()).toBe('JSON');
    expect(product.net_weight.type.toString()).toBe('Float');
    expect(product.product_manufacturer.type.toString()).toBe('organisation');
    expect(product.net_weight_unit.type.toString()).toBe('ref_uom');
    expect(objectType('code_reservation').getFields().export_file.type.toString()).toBe(
      'directus_files',
    );
    expect(Object.keys(objectType('directus_users').getFields())).not.toContain('token_hash');
  });

  it('has mutations for the writable collections only', () => {
    const mutation = schema.getMutationType()!.getFields();
    expect(mutation.create_product_item.type.toString()).toBe('product');
    expect(mutation.create_product_item.args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual([
      'data: create_product_input!',
    ]);
    expect(mutation.update_unique_code_item.args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual([
      'id: ID!',
      'data: update_unique_code_input!',
    ]);
    expect(mutation.delete_code_reservation_item.type.toString()).toBe('delete_one');
    expect(mutation.create_domain_item).toBeUndefined();
    expect(mutation.create_identifier_job_item).toBeUndefined();
    const input = inputType('create_code_reservation_input').getFields();
    expect(input.quantity.type.toString()).toBe('Int');
    expect(input.reserved_for.type.toString()).toBe('String');
    expect(input.export_file.type.toString()).toBe('ID');
    expect(input.codes).toBeUndefined();
  });

  it('types filters with Directus operator inputs, relations as the related filter', () => {
    const filter = inputType('product_filter').getFields();
    expect(filter.gtin.type.toString()).toBe('string_filter_operators');
    expect(filter.net_weight.type.toString()).toBe('number_filter_operators');
    expect(filter.finished_product.type.toString()).toBe('boolean_filter_operators');
    expect(filter.date_created.type.toString()).toBe('date_filter_operators');
    expect(filter.product_manufacturer.type.toString()).toBe('organisation_filter');
    expect(filter._and.type.toString()).toBe('[product_filter]');
    expect(inputType('code_reservation_filter').getFields().codes.type.toString()).toBe(
      'unique_code_filter',
    );
    const numbers = getNamedType(filter.net_weight.type) as GraphQLInputObjectType;
    expect(Object.keys(numbers.getFields())).toEqual(
      expect.arrayContaining(['_eq', '_in', '_gt', '_between', '_null']),
    );
  });
});

describe('resolving with the generated schema', () => {
  it('answers bare relations with the key and selected ones with the object', async () => {
    const rows = [
      {
        id: 'c1',
        code: 'ABC123XY',
        product: '/01/09312345551927',
        digital_link: 'https://food.tvai.me/01/09312345551927/21/ABC123XY',
        status: 'reserved',
        type: 'sgtin',
        epc_join_key: null,
        identifier_job: { id: 'j1', reference_id: 'BATCH-1' },
        reservation: null,
        date_created: '2024-01-01T00:00:00.000Z',
        date_updated: null,
      },
    ];
    const data = await run(schemaWith(rows), SPEC.UNIQUE_CODE_LIST);
    expect(data).toEqual({ unique_code: rows });
  });

  it('wraps a key read for an object selection, keeps aliases, and answers reference fields', async () => {
    const rows = [
      {
        id: '/01/00053893430744',
        brand: '0b789868-2863-4d41-aa6f-b2585020ae08',
        net_weight_unit: 'KGM',
        product_manufacturer: null,
        codes: undefined,
      },
    ];
    const data = await run(
      schemaWith(rows),
      `{ product { id brand { id name } unit: net_weight_unit { code name } raw: net_weight_unit
         product_manufacturer { id } parent_product __typename } }`,
    );
    expect(data).toEqual({
      product: [
        {
          id: '/01/00053893430744',
          brand: { id: '0b789868-2863-4d41-aa6f-b2585020ae08', name: null },
          unit: { code: 'KGM', name: null },
          raw: 'KGM',
          product_manufacturer: null,
          parent_product: null,
          __typename: 'product',
        },
      ],
    });
  });

  it('answers one-to-many fields as lists of keys or objects', async () => {
    const data = await run(
      schemaWith([{ id: 'r1', codes: ['c1', 'c2'] }]),
      `{ code_reservation { id codes } }`,
    );
    expect(data).toEqual({ code_reservation: [{ id: 'r1', codes: ['c1', 'c2'] }] });
    const objects = await run(
      schemaWith([{ id: 'r1', codes: [{ code: 'A' }] }]),
      `{ code_reservation { codes(limit: 1) { code } } }`,
    );
    expect(objects).toEqual({ code_reservation: [{ codes: [{ code: 'A' }] }] });
  });

  it('hands list arguments and mutation data over as plain values', async () => {
    const calls: Calls = { list: [], create: [] };
    const target = schemaWith([{ id: 'x', reserved_for: '/417/9312345000012' }], calls);
    await run(
      target,
      `query ($f: code_reservation_filter) { code_reservation(filter: $f, sort: ["-date_created"], limit: 5, page: 2) { id } }`,
      { f: { status: { _eq: 'new' }, quantity: { _gte: 10 } } },
    );
    expect(calls.list).toEqual([
      {
        collection: 'code_reservation',
        args: {
          filter: { status: { _eq: 'new' }, quantity: { _gte: 10 } },
          sort: ['-date_created'],
          limit: 5,
          page: 2,
        },
      },
    ]);
    expect(Object.getPrototypeOf(calls.list[0].args.filter)).toBe(Object.prototype);
    const created = await run(target, SPEC.CODE_RESERVATION_CREATE);
    expect(calls.create).toEqual([
      {
        collection: 'code_reservation',
        data: {
          reserved_for: '/417/9312345000012',
          code_type: 'sgtin',
          quantity: 100,
          export_type: 'csv',
          product: '/01/19361758000003',
          reference_id: 'BATCH-2024-001',
        },
      },
    ]);
    expect(created.create_code_reservation_item).toMatchObject({
      reserved_for: '/417/9312345000012',
    });
  });
});
