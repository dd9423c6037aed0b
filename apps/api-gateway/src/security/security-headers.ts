import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { DOCS_PATH } from '../openapi/api-docs';
import { QUEUE_DASHBOARD_PATH } from '../ops/queue-dashboard';

/**
 * The API answers JSON and files, never pages: nothing it sends may run scripts, load anything,
 * be framed or submit forms. `sandbox` also neutralises an asset opened inline in a browser.
 */
const apiHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
      sandbox: [],
    },
  },
});

/**
 * The pages the gateway serves itself: the queue dashboard (bull-board) and Swagger UI at /docs.
 * Their scripts are files of their own; styles are partly inline.
 */
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

/**
 * helmet on every response, errors and unknown routes included: no `X-Powered-By`,
 * `X-Content-Type-Options: nosniff`, HSTS, no framing, and the strict CSP above everywhere but
 * the pages.
 */
export function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  const page = PAGES.some((path) => request.path === path || request.path.startsWith(`${path}/`));
  (page ? pageHeaders : apiHeaders)(request, response, next);
}

const PAGES = [QUEUE_DASHBOARD_PATH, DOCS_PATH];
