import { Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { currentTenant, inTenantTransaction, prepared } from '@sid/shared/database';
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
import { listBody, streamItems } from './items-stream';

/** Lists longer than this are streamed from a cursor (see streamItems). */
const STREAM_ABOVE = 1000;

export interface ItemList {
  data: unknown[];
  meta?: { total_count?: number; filter_count?: number };
}

type RunQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

/**
 * Directus reads: each query string becomes one parameterised statement (plus one per meta count).
 * A partner's statements run in one transaction as the row-level-security tenant role, with the
 * partner's account set for it: the compiler's own account filter is the first line, the
 * database's policies the second (see TenantRowSecurity migration).
 */
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
    return this.reading(actor, async (run) => {
      const data =
        query.aggregate || query.groupBy.length > 0
          ? await items(run, compileAggregateQuery(COLLECTIONS, collection, query, scope))
          : await items(run, compileItemQuery(COLLECTIONS, collection, query, scope));
      if (query.meta.length === 0) return { data };
      return { data, meta: await this.meta(run, collection, query, scope) };
    });
  }

  /**
   * `GET /items/<collection>`: the list as its response body. The items stay the JSON text
   * PostgreSQL built: gathered into `{"data":[...]}` as they are (a string, sent as JSON), not
   * parsed into objects and serialised again as readMany's are. A list of more than STREAM_ABOVE
   * rows (`limit=-1` above all) is streamed from a cursor rather than gathered in memory; a
   * partner's cursor runs as the tenant role with its account set, as every other read of theirs
   * does. Aggregates and groups are answered by readMany.
   */
  async listResponse(
    actor: Actor,
    collection: string,
    raw: Record<string, unknown>,
  ): Promise<ItemList | string | StreamableFile> {
    const query = this.parse(raw);
    if (query.aggregate || query.groupBy.length > 0) return this.readMany(actor, collection, raw);
    const scope = scopeOf(actor);
    if (query.limit <= STREAM_ABOVE) {
      const compiled = compileItemQuery(COLLECTIONS, collection, query, scope, { itemAs: 'text' });
      return this.reading(actor, async (run) => {
        const rows = (await run(compiled.sql, compiled.params)) as { item: string }[];
        const meta =
          query.meta.length === 0 ? undefined : await this.meta(run, collection, query, scope);
        return listBody(
          rows.map((row) => row.item),
          meta,
        );
      });
    }
    const compiled = compileItemQuery(COLLECTIONS, collection, query, scope);
    const meta =
      query.meta.length === 0
        ? undefined
        : await this.reading(actor, (run) => this.meta(run, collection, query, scope));
    return streamItems(this.db, compiled, {
      meta,
      tenantAccount: this.asTenant(actor) ? actor.accountId : undefined,
    });
  }

  private async meta(
    run: RunQuery,
    collection: string,
    query: ItemQuery,
    scope: QueryScope,
  ): Promise<ItemList['meta']> {
    // Without filter or search both counts are the same statement: it runs once.
    const unfiltered = query.filter === null && query.search === null;
    const counts = new Map<'total' | 'filter', Promise<number>>();
    const count = (kind: 'total' | 'filter'): Promise<number> => {
      const key = unfiltered ? 'total' : kind;
      let pending = counts.get(key);
      if (!pending) {
        const compiled = compileCountQuery(COLLECTIONS, collection, query, scope, key);
        pending = run(compiled.sql, compiled.params).then(
          (rows) => (rows as { count: number }[])[0].count,
        );
        counts.set(key, pending);
      }
      return pending;
    };
    const values = await Promise.all(
      query.meta.map((kind) => count(kind === 'total_count' ? 'total' : 'filter')),
    );
    const meta: ItemList['meta'] = {};
    query.meta.forEach((kind, i) => (meta[kind] = values[i]));
    return meta;
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
    const compiled = compileItemQuery(COLLECTIONS, collection, query, scopeOf(actor));
    const [item] = await this.reading(actor, (run) => items(run, compiled));
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
    const compiled = compileItemQuery(
      COLLECTIONS,
      collection,
      { ...query, filter },
      scopeOf(actor),
    );
    return this.reading(actor, (run) => items(run, compiled));
  }

  /**
   * What a batch create answers: every created item (whatever `limit`, `offset` or `sort` say),
   * in the order the keys were created, each with the request's `fields` and, from `once` (in
   * the order of `keys`), the fields shown only in this answer (a webhook's secret).
   */
  async readCreated(
    actor: Actor,
    collection: string,
    keys: string[],
    raw: Record<string, unknown>,
    once: Record<string, unknown>[] = [],
  ): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const primaryKey = COLLECTIONS.get(collection).primaryKey;
    const query = this.parse({ ...raw, limit: undefined, offset: undefined, page: undefined });
    // The key is read to put the items in order, and left out again when it was not asked for.
    const asked = query.fields.some((path) => path === primaryKey || /^\*(\.|$)/.test(path));
    const fields = asked ? query.fields : [...query.fields, primaryKey];
    const byKeys: FilterNode = {
      type: 'condition',
      field: primaryKey,
      operator: '_in',
      value: keys,
      path: 'keys',
    };
    const compiled = compileItemQuery(
      COLLECTIONS,
      collection,
      {
        ...query,
        fields,
        filter: query.filter ? { type: 'and', nodes: [byKeys, query.filter] } : byKeys,
        sort: [],
        limit: keys.length,
        offset: 0,
      },
      scopeOf(actor),
    );
    const rows = (await this.reading(actor, (run) => items(run, compiled))) as Record<
      string,
      unknown
    >[];
    const byKey = new Map(rows.map((row) => [String(row[primaryKey]), row]));
    return keys.flatMap((key, index) => {
      const row = byKey.get(key);
      if (!row) return [];
      if (!asked) delete row[primaryKey];
      return [{ ...row, ...once[index] }];
    });
  }

  /**
   * Admins read across accounts; a partner's reads run as the tenant role. Inside the partner's
   * request scope (TenantScopeInterceptor) every connection already is the tenant's, so the
   * statements go straight to the pool; elsewhere they run in one tenant transaction of their own.
   * Each compiled shape is a prepared statement (its values are parameters): parsed and planned
   * once per connection while the process has room for it.
   */
  private async reading<T>(actor: Actor, work: (run: RunQuery) => Promise<T>): Promise<T> {
    if (!this.asTenant(actor) || currentTenant() === actor.accountId) {
      return work((sql, params) => this.db.query(prepared(sql), params));
    }
    return inTenantTransaction(this.db, actor.accountId, (client) =>
      work(async (sql, params) => (await client.query(prepared(sql), params)).rows),
    );
  }

  /** Whether the actor's reads run as the tenant role: a partner's do (the gateway checked the role at start). */
  private asTenant(actor: Actor): boolean {
    return !actor.admin;
  }
}

async function items(run: RunQuery, { sql, params }: CompiledQuery): Promise<unknown[]> {
  const rows = (await run(sql, params)) as { item: unknown }[];
  return rows.map((row) => row.item);
}

export function scopeOf(actor: Actor): QueryScope {
  return { accountId: actor.admin ? null : actor.accountId, userId: actor.userId };
}
