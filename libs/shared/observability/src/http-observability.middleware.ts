import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './metrics';
import { acceptRequestId, REQUEST_ID_HEADER, requestContext } from './request-context';

type RequestWithId = Request & { id?: string };

/**
 * First middleware of the gateway: takes the request id from X-Request-Id (or makes one), returns
 * it in the response, and times the request into `sid_http_request_duration_seconds` under its
 * route template once the response is sent.
 */
export function requestIdAndMetrics(req: RequestWithId, res: Response, next: NextFunction): void {
  const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
  req.id = id;
  res.setHeader('X-Request-Id', id);
  const stop = httpRequestDuration.startTimer({ method: req.method });
  res.once('finish', () => stop({ route: routeTemplate(req), status: String(res.statusCode) }));
  requestContext.run({ requestId: id }, next);
}

/**
 * Runs the rest of the request in its context again. Body parsers resume a request from stream
 * events, outside the context entered before them: this middleware goes right after them.
 */
export function requestContextAfterBody(
  req: RequestWithId,
  _res: Response,
  next: NextFunction,
): void {
  requestContext.run({ requestId: req.id ?? acceptRequestId(undefined) }, next);
}

/** `/items/:collection/:id` rather than the path itself, so that the label set stays small. */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.baseUrl) return `${req.baseUrl}/*`; // a mounted sub-app (the queue dashboard)
  return 'unmatched';
}
