import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What a log line or an enqueued job needs to know about the request (or job) it serves. */
export interface RequestContext {
  requestId: string;
  /**
   * True when the id was made for a job that no request caused (a sweep, a schedule): it names
   * the job's log lines but is not carried on into the jobs it enqueues.
   */
  local?: boolean;
}

/**
 * The request id of the work in progress: set by the gateway for each HTTP request and by a
 * worker for each job (from the id the job carries), read by the logger (every line gets
 * `requestId`) and by JobQueue (every job enqueued carries it on).
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept when it is a plain token; anything else is replaced (no log injection). */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export function acceptRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** The request id to carry on into enqueued jobs: a request's, never a job's own local one. */
export function propagatedRequestId(): string | undefined {
  const store = requestContext.getStore();
  return store && !store.local ? store.requestId : undefined;
}
