import { NextFunction, Request, Response } from 'express';
import { TooManyRequestsError } from '@sid/shared/errors';
import { clientAddress, RateLimits } from './rate-limits.service';

/**
 * Counts every request against its client address before anything else reads it (not even the
 * body); past the limit, a 429 in the Directus envelope with `Retry-After`.
 */
export function rateLimitRequests(limits: RateLimits) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!limits.enabled) return next();
    limits.request(clientAddress(request)).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof TooManyRequestsError)) return next(error);
        response.setHeader('retry-after', String(error.retryAfterSeconds));
        response.status(error.status).json({
          errors: [{ message: error.message, extensions: { code: error.code } }],
        });
      },
    );
  };
}
