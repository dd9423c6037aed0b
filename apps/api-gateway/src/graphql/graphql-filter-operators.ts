import {
  GraphQLBoolean,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLString,
} from 'graphql';
import { FieldType } from '@sid/shared/items';
import { GraphQLStringOrFloat } from './graphql-scalars';

/**
 * Directus' filter operator input types (`string_filter_operators`, `number_filter_operators`...)
 * by field type, so that partners' variables typed with these names keep validating.
 */
export type OperatorKind = 'string' | 'number' | 'boolean' | 'date';

export function operatorKindOf(type: FieldType): OperatorKind {
  switch (type) {
    case 'integer':
    case 'bigInteger':
    case 'float':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'date';
    default:
      return 'string';
  }
}

/** Directus' operator input types, limited to the operators the query compiler implements. */
export function operatorTypes(): Record<OperatorKind, GraphQLInputObjectType> {
  const list = (type: GraphQLInputType) => ({ type: new GraphQLList(type) });
  const flag = { type: GraphQLBoolean };
  const nulls = { _null: flag, _nnull: flag };
  const string = { type: GraphQLString };
  const number = { type: GraphQLStringOrFloat };
  return {
    string: new GraphQLInputObjectType({
      name: 'string_filter_operators',
      fields: {
        _eq: string,
        _neq: string,
        _contains: string,
        _icontains: string,
        _ncontains: string,
        _nicontains: string,
        _starts_with: string,
        _istarts_with: string,
        _nstarts_with: string,
        _nistarts_with: string,
        _ends_with: string,
        _iends_with: string,
        _nends_with: string,
        _niends_with: string,
        _in: list(GraphQLString),
        _nin: list(GraphQLString),
        ...nulls,
        _empty: flag,
        _nempty: flag,
      },
    }),
    number: new GraphQLInputObjectType({
      name: 'number_filter_operators',
      fields: {
        _eq: number,
        _neq: number,
        _in: list(GraphQLStringOrFloat),
        _nin: list(GraphQLStringOrFloat),
        _gt: number,
        _gte: number,
        _lt: number,
        _lte: number,
        ...nulls,
        _between: list(GraphQLStringOrFloat),
        _nbetween: list(GraphQLStringOrFloat),
      },
    }),
    boolean: new GraphQLInputObjectType({
      name: 'boolean_filter_operators',
      fields: { _eq: flag, _neq: flag, ...nulls },
    }),
    date: new GraphQLInputObjectType({
      name: 'date_filter_operators',
      fields: {
        _eq: string,
        _neq: string,
        _gt: string,
        _gte: string,
        _lt: string,
        _lte: string,
        ...nulls,
        _in: list(GraphQLString),
        _nin: list(GraphQLString),
        _between: list(GraphQLStringOrFloat),
        _nbetween: list(GraphQLStringOrFloat),
      },
    }),
  };
}
