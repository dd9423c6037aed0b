import {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  parse,
} from 'graphql';
import { InvalidQueryError } from '@sid/shared/errors';
import { compileItemQuery, parseItemQuery } from '@sid/gateway-query';
import { COLLECTIONS, ITEM_COLLECTIONS } from '../items/collections';
import { expandKeySelections } from './graphql-key-selections';
import { buildGraphqlSchema, GraphqlItemOperations } from './graphql-schema.factory';
import { aggregateSelection, selectionToQuery, SelectionSource } from './graphql-selection';
import {
  PRODUCT_BY_ID,
  UNIQUE_CODE_BY_ID,
  UNIQUE_CODE_CREATE,
  UNIQUE_CODE_LIST,
} from './test-spec-documents';

const unused = () => Promise.reject(new Error('not called in these tests'));
const OPERATIONS: GraphqlItemOperations = {
  list: unused,
  aggregated: unused,
  byId: unused,
  create: unused,
  createMany: unused,
  update: unused,
  delete: unused,
};
const schema: GraphQLSchema = buildGraphqlSchema({
  registry: COLLECTIONS,
  collections: ITEM_COLLECTIONS,
  writable: ['unique_code'],
  operations: OPERATIONS,
});

/** The first root field of a document, as graphql-js hands it to a resolver (after expansion). */
function rootField(
  text: string,
  variableValues: Record<string, unknown> = {},
): { nodes: FieldNode[]; source: SelectionSource } {
  const document = expandKeySelections(schema, parse(text));
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    if (definition.kind === Kind.OPERATION_DEFINITION) operation ??= definition;
  }
  const [first] = operation!.selectionSet.selections as FieldNode[];
  return { nodes: [first], source: { fragments, variableValues } };
}

function translate(collection: string, text: string, variables?: Record<string, unknown>) {
  const { nodes, source } = rootField(text, variables);
  return selectionToQuery(COLLECTIONS, collection, nodes, source, 100);
}

describe('selectionToQuery', () => {
  it('turns the unique_code list example into field paths, bare product as its key', () => {
    expect(translate('unique_code', UNIQUE_CODE_LIST)).toEqual({
      fields: [
        'id',
        'code',
        'product',
        'digital_link',
        'status',
        'type',
        'epc_join_key',
        'identifier_job.id',
        'identifier_job.reference_id',
        'reservation.id',
        'reservation.reference_id',
        'date_created',
        'date_updated',
      ],
      deep: {},
    });
  });

  it('reads a bare many-to-one inside a relation as the key column (reservation.reserved_for)', () => {
    const { fields } = translate('unique_code', UNIQUE_CODE_BY_ID);
    expect(fields).toEqual(
      expect.arrayContaining([
        'reservation.reserved_for',
        'user_created.first_name',
        'user_updated.last_name',
        'identifier_job.type',
      ]),
    );
    expect(fields).not.toContain('reservation.reserved_for.id');
  });

  it('reads reference fields selected as objects (brand { id name }) as their stored value', () => {
    const { fields } = translate('product', PRODUCT_BY_ID);
    expect(fields).toEqual(
      expect.arrayContaining(['brand', 'net_weight_unit', 'packaging_type_code', 'account.name']),
    );
    expect(fields.filter((path) => path.split('.')[0] === 'brand')).toEqual(['brand']);
    expect(fields).toContain('primary_image.filename_download');
  });

  it('translates a mutation selection the same way', () => {
    expect(translate('unique_code', UNIQUE_CODE_CREATE).fields).toEqual([
      'id',
      'code',
      'product',
      'digital_link',
      'status',
      'type',
      'identifier_job.id',
      'identifier_job.reference_id',
    ]);
  });

  it('follows fragments, inline fragments and @skip / @include', () => {
    const text = `query Q($withJob: Boolean!, $noCode: Boolean!) {
      unique_code {
        ...Basics
        ... on unique_code { status }
        code @skip(if: $noCode)
        identifier_job @include(if: $withJob) { ...Job }
      }
    }
    fragment Basics on unique_code { id digital_link }
    fragment Job on identifier_job { reference_id }`;
    expect(translate('unique_code', text, { withJob: true, noCode: true }).fields).toEqual([
      'id',
      'digital_link',
      'status',
      'identifier_job.reference_id',
    ]);
    expect(translate('unique_code', text, { withJob: false, noCode: false }).fields).toEqual([
      'id',
      'digital_link',
      'status',
      'code',
    ]);
  });

  it('merges aliases of the same field and ignores __typename', () => {
    const text = `{ unique_code { __typename a: code b: code job: identifier_job { id } other: identifier_job { status } } }`;
    expect(translate('unique_code', text).fields).toEqual([
      'code',
      'identifier_job.id',
      'identifier_job.status',
    ]);
  });

  it('reads a relation selected only for __typename as its key, and an empty root as the primary key', () => {
    expect(
      translate('unique_code', `{ unique_code { identifier_job { __typename } } }`).fields,
    ).toEqual(['identifier_job.id']);
    expect(translate('product', `{ product { __typename } }`).fields).toEqual(['id']);
  });

  it('turns arguments of one-to-many fields into deep options, nested through relations', () => {
    const text = `query ($status: String) {
      code_reservation {
        codes(limit: 2, sort: ["-code"], filter: { status: { _eq: $status } }) { code }
        user_created { id }
      }
    }`;
    expect(translate('code_reservation', text, { status: 'reserved' })).toEqual({
      fields: ['codes.code', 'user_created.id'],
      deep: { codes: { _limit: 2, _sort: ['-code'], _filter: { status: { _eq: 'reserved' } } } },
    });
    const nested = `{ unique_code { reservation { codes(offset: 3) } } }`;
    expect(translate('unique_code', nested)).toEqual({
      fields: ['reservation.codes'],
      deep: { reservation: { codes: { _offset: 3 } } },
    });
  });

  it('turns page into an offset, with the given or the default limit', () => {
    expect(
      translate('code_reservation', `{ code_reservation { codes(page: 3, limit: 10) { id } } }`)
        .deep,
    ).toEqual({
      codes: { _limit: 10, _offset: 20 },
    });
    expect(
      translate('code_reservation', `{ code_reservation { codes(page: 2) { id } } }`).deep,
    ).toEqual({
      codes: { _offset: 100 },
    });
    expect(() =>
      translate('code_reservation', `{ code_reservation { codes(page: 0) { id } } }`),
    ).toThrow(InvalidQueryError);
  });

  it('refuses the same one-to-many field selected twice with different arguments', () => {
    const text = `{ code_reservation { a: codes(limit: 1) { id } b: codes(limit: 2) { id } } }`;
    expect(() => translate('code_reservation', text)).toThrow(
      /more than once with different arguments/,
    );
    const same = `{ code_reservation { a: codes(limit: 1) { id } b: codes(limit: 1) { code } } }`;
    expect(translate('code_reservation', same).fields).toEqual(['codes.id', 'codes.code']);
  });

  it('produces parameters the item query compiler accepts, as one statement', () => {
    for (const [collection, text] of [
      ['unique_code', UNIQUE_CODE_BY_ID],
      ['product', PRODUCT_BY_ID],
      [
        'code_reservation',
        `{ code_reservation { codes(limit: 2, filter: { status: { _eq: "reserved" } }) { code } } }`,
      ],
    ]) {
      const { fields, deep } = translate(collection, text);
      const query = parseItemQuery(
        { fields, deep },
        {
          defaultLimit: 100,
          maxLimit: 1000,
        },
      );
      const { sql } = compileItemQuery(COLLECTIONS, collection, query, {
        accountId: null,
        userId: null,
      });
      expect(sql.match(/^SELECT/g)).toHaveLength(1);
      expect(sql).not.toContain(';');
    }
  });
});

describe('aggregateSelection', () => {
  it('collects the aggregate functions and their fields', () => {
    const { nodes, source } = rootField(`{
      identifier_job_aggregated(groupBy: ["status"]) {
        group countAll __typename
        count { id quantity }
        ... on identifier_job_aggregated { sum { quantity quantity_created } }
        avg { __typename }
      }
    }`);
    expect(aggregateSelection(nodes, source)).toEqual({
      aggregate: { count: ['id', 'quantity'], sum: ['quantity', 'quantity_created'] },
      countAll: true,
    });
  });
});
