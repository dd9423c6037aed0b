import { Inject, Injectable } from '@nestjs/common';
import { GraphQLResolveInfo } from 'graphql';
import { AppConfig } from '@sid/shared/config';
import { InvalidPayloadError } from '@sid/shared/errors';
import { COLLECTION_WRITERS, CollectionWriter, createdItem } from '@sid/shared/items';
import { COLLECTIONS, ITEM_COLLECTIONS } from '../items/collections';
import { createMany } from '../items/batch-create';
import { ItemsReadService } from '../items/items-read.service';
import { GraphqlContext, GraphqlItemOperations, ListArguments } from './graphql-schema.factory';
import { aggregateSelection, selectionToQuery } from './graphql-selection';

/**
 * The root fields of the GraphQL schema, over the same read path as `/items` (ONE statement per
 * root field: the selection becomes `fields` + `deep`) and the same collection writers.
 * Mutations write, then read the item back with the mutation's selection, as Directus does.
 */
@Injectable()
export class GraphqlItemsResolver implements GraphqlItemOperations {
  private readonly writers: Map<string, CollectionWriter>;

  constructor(
    private readonly reads: ItemsReadService,
    private readonly config: AppConfig,
    @Inject(COLLECTION_WRITERS) writers: CollectionWriter[],
  ) {
    this.writers = new Map(writers.map((writer) => [writer.collection, writer]));
  }

  /** The item collections that have a writer, hence mutations. */
  writableCollections(): string[] {
    return ITEM_COLLECTIONS.filter((collection) => this.writers.has(collection));
  }

  async list(
    { actor }: GraphqlContext,
    collection: string,
    args: ListArguments,
    info: GraphQLResolveInfo,
  ): Promise<unknown[]> {
    const { data } = await this.reads.readMany(actor, collection, {
      ...listParameters(args),
      ...this.selection(collection, info),
    });
    return data;
  }

  /**
   * `count { id }`, `sum { quantity }`... as Directus' `aggregate`; `countAll` is answered as the
   * count of primary keys (never null, so the same number); `group` holds the groupBy values.
   */
  async aggregated(
    { actor }: GraphqlContext,
    collection: string,
    args: ListArguments,
    info: GraphQLResolveInfo,
  ): Promise<unknown[]> {
    const primaryKey = COLLECTIONS.get(collection).primaryKey;
    const groupBy = args.groupBy ?? [];
    const { aggregate, countAll } = aggregateSelection(info.fieldNodes, info);
    if (countAll || (Object.keys(aggregate).length === 0 && groupBy.length === 0)) {
      aggregate.count = [...new Set([...(aggregate.count ?? []), primaryKey])];
    }
    const { data } = await this.reads.readMany(actor, collection, {
      ...listParameters(args),
      groupBy,
      aggregate,
    });
    return (data as Record<string, unknown>[]).map((row) => ({
      ...row,
      group: Object.fromEntries(groupBy.map((field) => [field, row[field]])),
      countAll: (row.count as Record<string, unknown> | undefined)?.[primaryKey] ?? null,
    }));
  }

  byId(
    { actor }: GraphqlContext,
    collection: string,
    id: string,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    return this.reads.findOne(actor, collection, id, this.selection(collection, info));
  }

  async create(
    { actor }: GraphqlContext,
    collection: string,
    data: Record<string, unknown>,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    const { id } = createdItem(await this.writer(collection).create(actor, data));
    return this.reads.readOne(actor, collection, id, this.selection(collection, info));
  }

  async createMany(
    { actor }: GraphqlContext,
    collection: string,
    data: Record<string, unknown>[],
    info: GraphQLResolveInfo,
  ): Promise<unknown[]> {
    const writer = this.writer(collection);
    const created = await createMany(writer, actor, data, this.config.ITEMS_BATCH_MAX);
    const keys = created.map((item) => item.id);
    return this.reads.readCreated(actor, collection, keys, this.selection(collection, info));
  }

  async update(
    { actor }: GraphqlContext,
    collection: string,
    id: string,
    data: Record<string, unknown>,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    await this.writer(collection).update(actor, id, data);
    return this.reads.readOne(actor, collection, id, this.selection(collection, info));
  }

  async delete({ actor }: GraphqlContext, collection: string, id: string): Promise<{ id: string }> {
    await this.writer(collection).delete(actor, id);
    return { id };
  }

  private selection(collection: string, info: GraphQLResolveInfo): Record<string, unknown> {
    const { fields, deep } = selectionToQuery(
      COLLECTIONS,
      collection,
      info.fieldNodes,
      info,
      this.config.QUERY_LIMIT_DEFAULT,
    );
    return { fields, deep };
  }

  private writer(collection: string): CollectionWriter {
    const writer = this.writers.get(collection);
    if (!writer)
      throw new InvalidPayloadError(`Collection "${collection}" is read-only.`, { collection });
    return writer;
  }
}

/** The list arguments as the query parameters `parseItemQuery` reads; null means "not given". */
function listParameters(args: ListArguments): Record<string, unknown> {
  const { filter, sort, limit, offset, page, search } = args;
  return Object.fromEntries(
    Object.entries({ filter, sort, limit, offset, page, search }).filter(
      ([, value]) => value !== null && value !== undefined,
    ),
  );
}
