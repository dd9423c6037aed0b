import { GraphQLFieldConfigMap, GraphQLFloat, GraphQLInt, GraphQLObjectType } from 'graphql';
import { CollectionDefinition, FieldType } from '@sid/shared/items';
import { GraphQLJSON } from './graphql-scalars';

/** Aggregate functions over numeric fields (`count` / `countDistinct` take any field). */
const NUMERIC_AGGREGATES = ['avg', 'sum', 'avgDistinct', 'sumDistinct', 'min', 'max'] as const;

const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'bigInteger', 'float']);

/**
 * `<collection>_aggregated { group countAll count {…} countDistinct {…} avg {…} sum {…} … }`,
 * named after the collection's GraphQL type name.
 */
export function aggregatedType(
  definition: CollectionDefinition,
  typeName: string,
): GraphQLObjectType {
  const columns = Object.entries(definition.fields).filter(
    ([, field]) => field.relation?.kind !== 'o2m',
  );
  const count = new GraphQLObjectType({
    name: `${typeName}_aggregated_count`,
    fields: Object.fromEntries(columns.map(([name]) => [name, { type: GraphQLInt }])),
  });
  const fields: GraphQLFieldConfigMap<unknown, unknown> = {
    group: { type: GraphQLJSON },
    countAll: { type: GraphQLInt },
    count: { type: count },
    countDistinct: { type: count },
  };
  const numeric = columns.filter(([, field]) => NUMERIC_TYPES.has(field.type));
  if (numeric.length > 0) {
    const numbers = new GraphQLObjectType({
      name: `${typeName}_aggregated_fields`,
      fields: Object.fromEntries(numeric.map(([name]) => [name, { type: GraphQLFloat }])),
    });
    for (const fn of NUMERIC_AGGREGATES) fields[fn] = { type: numbers };
  }
  return new GraphQLObjectType({ name: `${typeName}_aggregated`, fields });
}
