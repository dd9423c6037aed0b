import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
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

/** The queue dashboard (bull-board) is a single-page app served by the gateway itself. */
const dashboardHeaders = helmet({
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
 * the dashboard.
 */
export function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  const dashboard =
    request.path === QUEUE_DASHBOARD_PATH || request.path.startsWith(`${QUEUE_DASHBOARD_PATH}/`);
  (dashboard ? dashboardHeaders : apiHeaders)(request, response, next);
}
