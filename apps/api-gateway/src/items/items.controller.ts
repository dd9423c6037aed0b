import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { Response } from 'express';
import { AppConfig } from '@sid/shared/config';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, COLLECTION_WRITERS, CollectionWriter, createdItem } from '@sid/shared/items';
import { assertItemId } from '@sid/gateway-query';
import { CurrentActor } from '../auth/current-actor.decorator';
import { batchUpdates } from './batch-update';
import { createMany } from './batch-create';
import { COLLECTIONS, ITEM_COLLECTIONS, REST_ONLY_COLLECTIONS } from './collections';
import { ItemsReadService, scopeOf } from './items-read.service';

type RawQuery = Record<string, unknown>;

/**
 * Directus' `/items/<collection>` routes. Ids may contain slashes (`/01/09312345551927`): send
 * them URL-encoded (`%2F01%2F09312345551927`); an unencoded id is accepted too.
 * Writes answer with the written item, read back with the request's `fields`.
 */
@Controller('items')
export class ItemsController {
  private readonly writers: Map<string, CollectionWriter>;

  constructor(
    private readonly reads: ItemsReadService,
    private readonly config: AppConfig,
    @Inject(COLLECTION_WRITERS) writers: CollectionWriter[],
  ) {
    this.writers = new Map(writers.map((writer) => [writer.collection, writer]));
  }

  @Get(':collection')
  async list(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Query() query: RawQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const list = await this.reads.listResponse(actor, this.known(collection), query);
    // JSON text already: sent as it is, with the type (and ETag) that an object would get.
    if (typeof list === 'string') response.type('json');
    return list;
  }

  @Get(':collection/*id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Param('id') id: string | string[],
    @Query() query: RawQuery,
  ) {
    return { data: await this.reads.readOne(actor, this.known(collection), joinId(id), query) };
  }

  @Post(':collection')
  @HttpCode(200) // Directus answers creations with 200
  async create(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Body() body: unknown,
    @Query() query: RawQuery,
  ) {
    const writer = this.writer(collection);
    if (Array.isArray(body)) {
      const created = await createMany(writer, actor, body, this.config.ITEMS_BATCH_MAX);
      const keys = created.map((item) => item.id);
      const once = created.map((item) => item.once);
      return { data: await this.reads.readCreated(actor, collection, keys, query, once) };
    }
    const { id, once } = createdItem(await writer.create(actor, asObject(body)));
    const item = await this.reads.readOne(actor, collection, id, query);
    return { data: { ...(item as Record<string, unknown>), ...once } };
  }

  /** Batch update (keys, query or a list of items): all or nothing; answers the updated items. */
  @Patch(':collection')
  async updateMany(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Body() body: unknown,
    @Query() query: RawQuery,
  ) {
    const writer = this.writer(collection);
    if (!writer.updateMany) {
      throw new InvalidPayloadError(`Collection "${collection}" is updated one item at a time.`, {
        collection,
      });
    }
    const keys = await writer.updateMany(actor, batchUpdates(collection, body, scopeOf(actor)));
    return { data: await this.reads.readKeys(actor, collection, keys, query) };
  }

  @Patch(':collection/*id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Param('id') rawId: string | string[],
    @Body() body: unknown,
    @Query() query: RawQuery,
  ) {
    const id = joinId(rawId);
    const writer = this.writer(collection);
    assertItemId(COLLECTIONS.get(collection), id);
    await writer.update(actor, id, asObject(body));
    return { data: await this.reads.readOne(actor, collection, id, query) };
  }

  @Delete(':collection/*id')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('collection') collection: string,
    @Param('id') rawId: string | string[],
  ) {
    const id = joinId(rawId);
    const writer = this.writer(collection);
    assertItemId(COLLECTIONS.get(collection), id);
    await writer.delete(actor, id);
  }

  /**
   * An unknown collection is a 403 with the message of any other refusal, as in Directus: a
   * client cannot tell a collection that does not exist from one it may not read.
   */
  private known(collection: string): string {
    const known: readonly string[] = [...ITEM_COLLECTIONS, ...REST_ONLY_COLLECTIONS];
    if (!known.includes(collection)) throw new ForbiddenError();
    return collection;
  }

  private writer(collection: string): CollectionWriter {
    const writer = this.writers.get(this.known(collection));
    if (!writer)
      throw new InvalidPayloadError(`Collection "${collection}" is read-only.`, { collection });
    return writer;
  }
}

function joinId(id: string | string[]): string {
  const joined = Array.isArray(id) ? id.join('/') : id;
  // `/items/product//01/0931...` (unencoded, leading slash) arrives without its first slash.
  return /^(01|417)\//.test(joined) ? `/${joined}` : joined;
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidPayloadError('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
