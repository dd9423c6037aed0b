import { CollectionRegistry, CollectionWriter, WriterPayloads } from '@sid/shared/items';

/** What the OpenAPI document is generated from: the code the gateway runs on, and its limits. */
export interface OpenApiSources {
  /** Every collection definition (relations point into all of them). */
  collections: CollectionRegistry;
  /** Those served at `/items/<collection>` (REST and GraphQL alike, or REST only). */
  itemCollections: readonly string[];
  /** Those of them not in GraphQL, whose creation may answer fields shown only then. */
  restOnly: readonly string[];
  /** The item writers, whose DTOs describe the create and update bodies. */
  writers: CollectionWriter[];
  /** The DTOs of `POST /users` and `PATCH /users/<id>`. */
  users: WriterPayloads;
  limits: { defaultLimit: number; maxLimit?: number; batchMax: number };
  version: string;
}
