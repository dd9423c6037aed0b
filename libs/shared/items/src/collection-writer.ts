import { Actor } from './actor';
import { CompiledQuery } from './query-scope';

/**
 * The items one part of a batch update changes: `query` selects their primary keys (one column,
 * tenant scope and filter already applied, see compileKeyQuery). When the caller named `keys`,
 * every one of them must be found, or nothing changes.
 */
export interface ItemSelection {
  query: CompiledQuery;
  keys?: string[];
}

/** One part of `PATCH /items/<collection>`: the same changes for every selected item. */
export interface BatchUpdate {
  selection: ItemSelection;
  input: Record<string, unknown>;
}

/**
 * How a collection is written through `/items/<collection>`. Reads are generic (the query
 * compiler); writes carry each domain's rules, so every writable collection has one writer.
 */
/** The class-validator classes a writer validates its bodies with (see validatePayload). */
export interface WriterPayloads {
  create: new () => object;
  update: new () => object;
}

export interface CollectionWriter {
  readonly collection: string;
  /** What its create and update bodies are validated with: also what the OpenAPI document shows. */
  readonly payloads: WriterPayloads;
  /**
   * Validates and stores one item; returns its primary key, or with it fields shown in this one
   * answer and never readable again (a webhook's secret).
   */
  create(actor: Actor, input: Record<string, unknown>): Promise<string | CreatedItem>;
  /**
   * Batch create (`POST /items/<collection>` with an array): checks every item first (see
   * prepareEach), then stores all of them in one transaction or none. Returns the primary keys
   * in the order of `inputs`, each with its shown-once fields where `create` has them. A
   * collection without it is created one item at a time.
   */
  createMany?(actor: Actor, inputs: Record<string, unknown>[]): Promise<(string | CreatedItem)[]>;
  update(actor: Actor, id: string, input: Record<string, unknown>): Promise<void>;
  delete(actor: Actor, id: string): Promise<void>;
  /**
   * Batch update (`PATCH /items/<collection>` with keys, a query or an array of items): every
   * part in one transaction, all or nothing. Returns the primary keys of the changed items.
   */
  updateMany?(actor: Actor, updates: BatchUpdate[]): Promise<string[]>;
}

export interface CreatedItem {
  id: string;
  /** Added to the answer of the creation only: not fields of the collection. */
  once: Record<string, unknown>;
}

/** The primary key and the shown-once fields of what `create` returned. */
export function createdItem(created: string | CreatedItem): CreatedItem {
  return typeof created === 'string' ? { id: created, once: {} } : created;
}

/** Nest injection token under which every writer is collected. */
export const COLLECTION_WRITERS = Symbol('COLLECTION_WRITERS');
