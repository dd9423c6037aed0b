import { Request } from 'express';

/** The absolute URL of the request (for DRF's `next` / `previous` links). */
export function requestUrl(request: Request): URL {
  return new URL(
    request.originalUrl,
    `${request.protocol}://${request.get('host') ?? 'localhost'}`,
  );
}
