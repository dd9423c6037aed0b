import {
  GraphQLFieldConfig,
  GraphQLFieldConfigArgumentMap,
  GraphQLFieldConfigMap,
  GraphQLID,
  GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLResolveInfo,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import {
  Actor,
  CollectionDefinition,
  CollectionRegistry,
  FieldDefinition,
} from '@sid/shared/items';
import { KEY_FIELD_EXTENSION } from './graphql-key-selections';
import { ReferenceType, referenceOf } from './graphql-references';
import { aggregatedType } from './graphql-aggregated-types';
import { operatorKindOf, operatorTypes } from './graphql-filter-operators';
import { scalarOf, toPlain } from './graphql-scalars';

/** Passed to every resolver. */
export interface GraphqlContext {
  actor: Actor;
}

/** Arguments of a collection's list field (and of its `_aggregated` field, plus `groupBy`). */
export interface ListArguments {
  filter?: Record<string, unknown>;
  sort?: string[];
  limit?: number;
  offset?: number;
  page?: number;
  search?: string;
  groupBy?: string[];
}

/** What the root fields do; the gateway implements it over the item read path and the writers. */
export interface GraphqlItemOperations {
  list(
    context: GraphqlContext,
    collection: string,
    args: ListArguments,
    info: GraphQLResolveInfo,
  ): Promise<unknown[]>;
  aggregated(
    context: GraphqlContext,
    collection: string,
    args: ListArguments,
    info: GraphQLResolveInfo,
  ): Promise<unknown[]>;
  byId(
    context: GraphqlContext,
    collection: string,
    id: string,
    info: GraphQLResolveInfo,
  ): Promise<unknown>;
  create(
    context: GraphqlContext,
    collection: string,
    data: Record<string, unknown>,
    info: GraphQLResolveInfo,
  ): Promise<unknown>;
  /** `create_<collection>_items`: every item in one transaction or none, answered in order. */
  createMany(
    context: GraphqlContext,
    collection: string,
    data: Record<string, unknown>[],
    info: GraphQLResolveInfo,
  ): Promise<unknown[]>;
  update(
    context: GraphqlContext,
    collection: string,
    id: string,
    data: Record<string, unknown>,
    info: GraphQLResolveInfo,
  ): Promise<unknown>;
  delete(context: GraphqlContext, collection: string, id: string): Promise<{ id: string }>;
}

export interface GraphqlSchemaOptions {
  registry: CollectionRegistry;
  /** Collections with root fields; every other collection appears only as a relation target. */
  collections: readonly string[];
  /** Those of `collections` that have create / update / delete mutations. */
  writable: readonly string[];
  operations: GraphqlItemOperations;
}

/** Directus' names for the system collections we mirror, so fragments `on directus_users` work. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  users: 'directus_users',
  file: 'directus_files',
};

export function typeNameOf(collection: string): string {
  return Object.hasOwn(TYPE_NAMES, collection) ? TYPE_NAMES[collection] : collection;
}

/**
 * The Directus-shaped GraphQL schema of the item collections, generated from their definitions:
 * an object type per collection (`<collection>`, relations as objects, one-to-many fields as
 * lists with filter/sort/limit/offset/page), queries `<collection>`, `<collection>_by_id`,
 * `<collection>_aggregated`, mutations `create_/update_/delete_<collection>_item` and `create_<collection>_items`, and typed
 * filters `<collection>_filter` with Directus' operator types.
 */
export function buildGraphqlSchema(options: GraphqlSchemaOptions): GraphQLSchema {
  return new SchemaBuilder(options).build();
}

class SchemaBuilder {
  private readonly objects = new Map<string, GraphQLObjectType>();
  private readonly filters = new Map<string, GraphQLInputObjectType>();
  private readonly references = new Map<string, GraphQLObjectType>();
  private readonly inputs = new Map<string, GraphQLInputObjectType>();
  private readonly operators = operatorTypes();
  private readonly deleteOne = new GraphQLObjectType({
    name: 'delete_one',
    fields: { id: { type: new GraphQLNonNull(GraphQLID) } },
  });

  constructor(private readonly options: GraphqlSchemaOptions) {}

  build(): GraphQLSchema {
    const { collections, writable, operations } = this.options;
    const query: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
    for (const name of collections) {
      const type = this.object(name);
      query[name] = {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
        args: this.listArguments(name),
        resolve: (_source, args, context, info) =>
          operations.list(context, name, toPlain(args) as ListArguments, info),
      };
      query[`${name}_by_id`] = {
        type,
        args: { id: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: (_source, args: { id: string }, context, info) =>
          operations.byId(context, name, args.id, info),
      };
      const aggregated = aggregatedType(this.definition(name), typeNameOf(name));
      query[`${name}_aggregated`] = {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(aggregated))),
        args: { groupBy: { type: new GraphQLList(GraphQLString) }, ...this.listArguments(name) },
        resolve: (_source, args, context, info) =>
          operations.aggregated(context, name, toPlain(args) as ListArguments, info),
      };
    }
    const mutation: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
    for (const name of collections.filter((collection) => writable.includes(collection))) {
      const type = this.object(name);
      mutation[`create_${name}_item`] = {
        type,
        args: { data: { type: new GraphQLNonNull(this.input(name, 'create')) } },
        resolve: (_source, args: { data: unknown }, context, info) =>
          operations.create(context, name, toPlain(args.data) as Record<string, unknown>, info),
      };
      mutation[`create_${name}_items`] = {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
        args: {
          data: {
            type: new GraphQLNonNull(
              new GraphQLList(new GraphQLNonNull(this.input(name, 'create'))),
            ),
          },
        },
        resolve: (_source, args: { data: unknown }, context, info) =>
          operations.createMany(
            context,
            name,
            toPlain(args.data) as Record<string, unknown>[],
            info,
          ),
      };
      mutation[`update_${name}_item`] = {
        type,
        args: {
          id: { type: new GraphQLNonNull(GraphQLID) },
          data: { type: new GraphQLNonNull(this.input(name, 'update')) },
        },
        resolve: (_source, args: { id: string; data: unknown }, context, info) =>
          operations.update(
            context,
            name,
            args.id,
            toPlain(args.data) as Record<string, unknown>,
            info,
          ),
      };
      mutation[`delete_${name}_item`] = {
        type: this.deleteOne,
        args: { id: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: (_source, args: { id: string }, context) =>
          operations.delete(context, name, args.id),
      };
    }
    return new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: query }),
      mutation:
        Object.keys(mutation).length > 0
          ? new GraphQLObjectType({ name: 'Mutation', fields: mutation })
          : undefined,
    });
  }

  private definition(collection: string): CollectionDefinition {
    return this.options.registry.get(collection);
  }

  private object(collection: string): GraphQLObjectType {
    let type = this.objects.get(collection);
    if (!type) {
      const definition = this.definition(collection);
      type = new GraphQLObjectType({
        name: typeNameOf(collection),
        fields: () =>
          Object.fromEntries(
            Object.entries(definition.fields).map(([name, field]) => [
              name,
              this.outputField(definition, name, field),
            ]),
          ),
      });
      this.objects.set(collection, type);
    }
    return type;
  }

  private outputField(
    definition: CollectionDefinition,
    name: string,
    field: FieldDefinition,
  ): GraphQLFieldConfig<Record<string, unknown>, GraphqlContext> {
    const relation = field.relation;
    if (relation) {
      const related = this.definition(relation.collection);
      const key = related.primaryKey;
      const extensions = { [KEY_FIELD_EXTENSION]: key };
      if (relation.kind === 'm2o') {
        return {
          type: this.object(related.name),
          extensions,
          resolve: (source) => keyedObject(source[name], key),
        };
      }
      return {
        type: new GraphQLList(this.object(related.name)),
        args: this.relationArguments(related.name),
        extensions,
        resolve: (source) => {
          const items = source[name];
          return Array.isArray(items) ? items.map((item) => keyedObject(item, key)) : null;
        },
      };
    }
    const reference = referenceOf(definition.name, name);
    if (reference) {
      return {
        type: this.reference(reference),
        extensions: { [KEY_FIELD_EXTENSION]: reference.key },
        resolve: (source) => keyedObject(source[name], reference.key),
      };
    }
    if (name === definition.primaryKey) return { type: new GraphQLNonNull(GraphQLID) };
    return { type: scalarOf(field.type) };
  }

  private reference(reference: ReferenceType): GraphQLObjectType {
    let type = this.references.get(reference.name);
    if (!type) {
      const keyType = reference.keyType === 'ID' ? GraphQLID : GraphQLString;
      type = new GraphQLObjectType({
        name: reference.name,
        description: 'A reference collection this server does not hold: only the key is known.',
        fields: Object.fromEntries(
          reference.fields.map((name) => [
            name,
            { type: name === reference.key ? keyType : GraphQLString },
          ]),
        ),
      });
      this.references.set(reference.name, type);
    }
    return type;
  }

  private listArguments(collection: string): GraphQLFieldConfigArgumentMap {
    return { ...this.relationArguments(collection), search: { type: GraphQLString } };
  }

  /** Directus' arguments of a one-to-many field, without `search` (not supported nested). */
  private relationArguments(collection: string): GraphQLFieldConfigArgumentMap {
    return {
      filter: { type: this.filter(collection) },
      sort: { type: new GraphQLList(GraphQLString) },
      limit: { type: GraphQLInt },
      offset: { type: GraphQLInt },
      page: { type: GraphQLInt },
    };
  }

  private filter(collection: string): GraphQLInputObjectType {
    let type = this.filters.get(collection);
    if (!type) {
      const definition = this.definition(collection);
      const self: GraphQLInputObjectType = new GraphQLInputObjectType({
        name: `${typeNameOf(collection)}_filter`,
        fields: () => {
          const fields: GraphQLInputFieldConfigMap = {};
          for (const [name, field] of Object.entries(definition.fields)) {
            fields[name] = {
              type: field.relation
                ? this.filter(field.relation.collection)
                : this.operators[operatorKindOf(field.type)],
            };
          }
          fields._and = { type: new GraphQLList(self) };
          fields._or = { type: new GraphQLList(self) };
          return fields;
        },
      });
      type = self;
      this.filters.set(collection, type);
    }
    return type;
  }

  /** `create_<collection>_input` / `update_<collection>_input`: every field but one-to-many ones. */
  private input(collection: string, action: 'create' | 'update'): GraphQLInputObjectType {
    const name = `${action}_${typeNameOf(collection)}_input`;
    let input = this.inputs.get(name);
    if (!input) {
      input = this.newInput(collection, name);
      this.inputs.set(name, input);
    }
    return input;
  }

  private newInput(collection: string, typeName: string): GraphQLInputObjectType {
    const definition = this.definition(collection);
    const fields: GraphQLInputFieldConfigMap = {};
    for (const [name, field] of Object.entries(definition.fields)) {
      if (field.relation?.kind === 'o2m') continue;
      const type: GraphQLInputType =
        name === definition.primaryKey ? GraphQLID : scalarOf(field.type);
      fields[name] = { type };
    }
    return new GraphQLInputObjectType({ name: typeName, fields });
  }
}

/** A related item as read (an object), or its bare key (a relation read as its column). */
function keyedObject(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? value : { [key]: value };
}
