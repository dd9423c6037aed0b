import {
  GraphQLBoolean,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLScalarType,
  GraphQLString,
  Kind,
  ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import { FieldType } from '@sid/shared/items';

/**
 * Arbitrary JSON (the `json` fields, `group` of aggregates), named `JSON` as in Directus. Objects
 * are returned with an ordinary prototype so that they can go straight to the writers' validation.
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => toPlain(value),
  parseLiteral: (node, variables) => valueFromLiteral(node, variables ?? null),
});

/** A number or a string (`$NOW`, numeric strings), named as in Directus' number filters. */
export const GraphQLStringOrFloat = new GraphQLScalarType({
  name: 'GraphQLStringOrFloat',
  description: 'A Float or a String.',
  serialize: stringOrFloat,
  parseValue: stringOrFloat,
  parseLiteral(node) {
    if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
    if (node.kind === Kind.STRING) return node.value;
    throw new GraphQLError('Value must be either a String or a Float.', { nodes: node });
  },
});

function stringOrFloat(value: unknown): string | number {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
    return value;
  }
  throw new GraphQLError('Value must be either a String or a Float.');
}

/** A literal (or variable) as a plain JavaScript value, without looking at its GraphQL type. */
export function valueFromLiteral(
  node: ValueNode,
  variables: Readonly<Record<string, unknown>> | null,
): unknown {
  return toPlain(valueFromASTUntyped(node, variables ?? undefined));
}

/**
 * graphql-js builds input objects without a prototype (`Object.create(null)`); the rest of the
 * code base expects ordinary objects, so argument values are copied into plain ones.
 */
export function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  }
  return value;
}

/** The GraphQL scalar of a field type (outputs and create / update inputs alike). */
export function scalarOf(type: FieldType): GraphQLScalarType {
  switch (type) {
    case 'uuid':
      return GraphQLID;
    case 'string':
    case 'timestamp':
      return GraphQLString;
    case 'integer':
      return GraphQLInt;
    case 'bigInteger':
    case 'float':
      return GraphQLFloat;
    case 'boolean':
      return GraphQLBoolean;
    case 'json':
      return GraphQLJSON;
  }
}
