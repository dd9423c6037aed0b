import { CappedIds } from '@sid/codes';
import { RowError, RowErrorKind } from './code-row';

/** At most this many ids per kind of error: a bad million-line file stays a small record. */
export const MAX_LISTED_IDS = 1_000;

export type ErrorKind = RowErrorKind | 'duplicate_id_error' | 'posted_duplicate_error';

/** One entry of `result_data.errors`: the kind with its first ids, and how many there are. */
export type ErrorEntry = { [kind: string]: string[] | number } & { count: number };

/**
 * The problems of one file, gathered while it streams by: per kind, the first MAX_LISTED_IDS
 * ids and a count.
 */
export class IngestionErrors {
  private readonly kinds = new Map<ErrorKind, CappedIds>();

  constructor(private readonly cap = MAX_LISTED_IDS) {}

  addRow(error: RowError): void {
    const entry = this.entry(error.kind);
    entry.count += 1;
    if (entry.ids.length < this.cap) entry.ids.push(error.id);
  }

  /** A whole kind found by a query (already capped). */
  addKind(kind: ErrorKind, found: CappedIds): void {
    if (found.count === 0) return;
    this.kinds.set(kind, { ids: found.ids.slice(0, this.cap), count: found.count });
  }

  get empty(): boolean {
    return this.kinds.size === 0;
  }

  /** `result_data.errors`: `[{"duplicate_id_error": ["...", ...], "count": 2}, ...]`. */
  toJSON(): ErrorEntry[] {
    return [...this.kinds].map(([kind, { ids, count }]) => ({ [kind]: ids, count }) as ErrorEntry);
  }

  private entry(kind: ErrorKind): CappedIds {
    let entry = this.kinds.get(kind);
    if (!entry) {
      entry = { ids: [], count: 0 };
      this.kinds.set(kind, entry);
    }
    return entry;
  }
}
