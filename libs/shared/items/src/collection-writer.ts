import { Actor } from './actor';

/**
 * How a collection is written through `/items/<collection>`. Reads are generic (the query
 * compiler); writes carry each domain's rules, so every writable collection has one writer.
 */
export interface CollectionWriter {
  readonly collection: string;
  /** Validates and stores one item; returns its primary key. */
  create(actor: Actor, input: Record<string, unknown>): Promise<string>;
  update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void>;
  delete(actor: Actor, id: string): Promise<void>;
}

/** Nest injection token under which every writer is collected. */
export const COLLECTION_WRITERS = Symbol('COLLECTION_WRITERS');
