import { ScantrustApiError } from './ingestion.exception';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

/** A Django REST framework limit/offset page. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** `limit` and `offset` of a query string (DRF's LimitOffsetPagination). */
export function pageWindow(query: Record<string, unknown>): { limit: number; offset: number } {
  return {
    limit:
      Math.min(nonNegative(query, 'limit', DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE) || DEFAULT_PAGE_SIZE,
    offset: nonNegative(query, 'offset', 0),
  };
}

function nonNegative(query: Record<string, unknown>, name: string, fallback: number): number {
  const value = query[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^[0-9]{1,9}$/.test(value)) {
    throw ScantrustApiError.field(name, 'A valid non-negative integer is required.');
  }
  return Number(value);
}

/**
 * The page of `results` at `limit`/`offset` of `count`, with `next` and `previous` as absolute
 * URLs: `url` (the request's) with only limit and offset changed.
 */
export function page<T>(
  results: T[],
  count: number,
  window: { limit: number; offset: number },
  url: URL,
): Page<T> {
  const at = (offset: number | null): string => {
    const target = new URL(url.toString());
    target.searchParams.set('limit', String(window.limit));
    if (offset === null) target.searchParams.delete('offset');
    else target.searchParams.set('offset', String(offset));
    return target.toString();
  };
  const { limit, offset } = window;
  return {
    count,
    next: offset + limit < count ? at(offset + limit) : null,
    previous: offset <= 0 ? null : at(offset - limit <= 0 ? null : offset - limit),
    results,
  };
}
