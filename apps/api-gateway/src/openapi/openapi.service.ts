import { Inject, Injectable } from '@nestjs/common';
import { OpenAPIV3 } from 'openapi-types';
import { CreateUserDto, UpdateUserDto } from '@sid/accounts';
import { AppConfig } from '@sid/shared/config';
import { COLLECTION_WRITERS, CollectionWriter } from '@sid/shared/items';
import { COLLECTIONS, ITEM_COLLECTIONS, REST_ONLY_COLLECTIONS } from '../items/collections';
import { buildOpenApiDocument } from './openapi-document';

/** The gateway's OpenAPI document, built once from the running configuration and writers. */
@Injectable()
export class OpenApiService {
  private built?: OpenAPIV3.Document;

  constructor(
    private readonly config: AppConfig,
    @Inject(COLLECTION_WRITERS) private readonly writers: CollectionWriter[],
  ) {}

  document(): OpenAPIV3.Document {
    this.built ??= buildOpenApiDocument({
      collections: COLLECTIONS,
      itemCollections: [...ITEM_COLLECTIONS, ...REST_ONLY_COLLECTIONS],
      restOnly: REST_ONLY_COLLECTIONS,
      writers: this.writers,
      users: { create: CreateUserDto, update: UpdateUserDto },
      limits: {
        defaultLimit: this.config.QUERY_LIMIT_DEFAULT,
        maxLimit: this.config.QUERY_LIMIT_MAX,
        batchMax: this.config.ITEMS_BATCH_MAX,
      },
      version: API_VERSION,
    });
    return this.built;
  }
}

/** The API's version as the document states it (the workspace's package version). */
const API_VERSION = '0.1.0';
