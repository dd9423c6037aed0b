import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { ForbiddenError } from '@sid/shared/errors';
import { Actor, CompiledQuery, QueryScope } from '@sid/shared/items';
import {
  compileAggregateQuery,
  compileCountQuery,
  compileItemQuery,
  FilterNode,
  itemByIdQuery,
  ItemQuery,
  parseItemQuery,
} from '@sid/gateway-query';
import { COLLECTIONS } from './collections';

export interface ItemList {
  data: unknown[];
  meta?: { total_count?: number; filter_count?: number };
}

/** Directus reads: each query string becomes one parameterised statement (plus one per meta count). */
@Injectable()
export class ItemsReadService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  parse(raw: Record<string, unknown>): ItemQuery {
    return parseItemQuery(raw, {
      defaultLimit: this.config.QUERY_LIMIT_DEFAULT,
      maxLimit: this.config.QUERY_LIMIT_MAX,
    });
  }

  async readMany(
    actor: Actor,
    collection: string,
    raw: Record<string, unknown>,
  ): Promise<ItemList> {
    const query = this.parse(raw);
    const scope = scopeOf(actor);
    const data =
      query.aggregate || query.groupBy.length > 0
        ? await this.items(compileAggregateQuery(COLLECTIONS, collection, query, scope))
        : await this.items(compileItemQuery(COLLECTIONS, collection, query, scope));
    if (query.meta.length === 0) return { data };
    // Without filter or search both counts are the same statement: it runs once.
    const unfiltered = query.filter === null && query.search === null;
    const counts = new Map<'total' | 'filter', Promise<number>>();
    const count = (kind: 'total' | 'filter'): Promise<number> => {
      const key = unfiltered ? 'total' : kind;
      let pending = counts.get(key);
      if (!pending) {
        const compiled = compileCountQuery(COLLECTIONS, collection, query, scope, key);
        pending = this.db
          .query(compiled.sql, compiled.params)
          .then((rows: { count: number }[]) => rows[0].count);
        counts.set(key, pending);
      }
      return pending;
    };
    const values = await Promise.all(
      query.meta.map((kind) => count(kind === 'total_count' ? 'total' : 'filter')),
    );
    const meta: ItemList['meta'] = {};
    query.meta.forEach((kind, i) => (meta[kind] = values[i]));
    return { data, meta };
  }

  /** One item by primary key; 403 when it does not exist for the caller (as Directus does). */
  async readOne(
    actor: Actor,
    collection: string,
    id: string,
    raw: Record<string, unknown>,
  ): Promise<unknown> {
    const item = await this.findOne(actor, collection, id, raw);
    if (item === null) throw new ForbiddenError();
    return item;
  }

  /** One item by primary key, or null when it does not exist for the caller (GraphQL `_by_id`). */
  async findOne(
    actor: Actor,
    collection: string,
    id: string,
    raw: Record<string, unknown>,
  ): Promise<unknown> {
    const definition = COLLECTIONS.get(collection);
    const query = itemByIdQuery(this.parse(raw), definition.primaryKey, id);
    const [item] = await this.items(
      compileItemQuery(COLLECTIONS, collection, query, scopeOf(actor)),
    );
    return item ?? null;
  }

  /** The items with these keys (as many as the query's limit), e.g. after a batch update. */
  async readKeys(
    actor: Actor,
    collection: string,
    keys: string[],
    raw: Record<string, unknown>,
  ): Promise<unknown[]> {
    const query = this.parse(raw);
    if (keys.length === 0) return [];
    const byKeys: FilterNode = {
      type: 'condition',
      field: COLLECTIONS.get(collection).primaryKey,
      operator: '_in',
      // All of them (one array parameter): sort, offset and limit apply after.
      value: keys,
      path: 'keys',
    };
    const filter: FilterNode = query.filter
      ? { type: 'and', nodes: [byKeys, query.filter] }
      : byKeys;
    return this.items(
      compileItemQuery(COLLECTIONS, collection, { ...query, filter }, scopeOf(actor)),
    );
  }

  private async items({ sql, params }: CompiledQuery): Promise<unknown[]> {
    const rows: { item: unknown }[] = await this.db.query(sql, params);
    return rows.map((row) => row.item);
  }
}

export function scopeOf(actor: Actor): QueryScope {
  return { accountId: actor.admin ? null : actor.accountId, userId: actor.userId };
}
