/**
 * An error a partner is meant to see. The gateway renders every one of these in the Directus
 * envelope `{ "errors": [{ "message", "extensions": { "code" } }] }` with its HTTP status; any
 * other error is logged and shown as INTERNAL_SERVER_ERROR without details.
 */
export abstract class PublicError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;

  constructor(
    message: string,
    /** Extra, stable fields for `extensions` (e.g. `{ field: 'gtin' }`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request body is not acceptable: unknown field, wrong type, failed GS1 validation... */
export class InvalidPayloadError extends PublicError {
  readonly code = 'INVALID_PAYLOAD';
  readonly status = 400;
}

/** A query parameter (fields, filter, sort, limit...) cannot be understood. */
export class InvalidQueryError extends PublicError {
  readonly code = 'INVALID_QUERY';
  readonly status = 400;
}

/** No token, or a token nobody holds. */
export class InvalidCredentialsError extends PublicError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly status = 401;
}

/**
 * The caller may not do this, or the item does not exist for them. Directus answers both with
 * the same 403 so that ids of other tenants cannot be probed; we do the same.
 */
export class ForbiddenError extends PublicError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;

  constructor(message = "You don't have permission to access this.", extensions = {}) {
    super(message, extensions);
  }
}

export class RouteNotFoundError extends PublicError {
  readonly code = 'ROUTE_NOT_FOUND';
  readonly status = 404;
}

/** The request is valid but conflicts with the current state (e.g. a duplicate key). */
export class RecordNotUniqueError extends PublicError {
  readonly code = 'RECORD_NOT_UNIQUE';
  readonly status = 400;
}

/** Too many requests, or too many failed authentications, from one client address. */
export class TooManyRequestsError extends PublicError {
  readonly code = 'REQUESTS_EXCEEDED';
  readonly status = 429;

  constructor(
    /** Seconds until the caller may try again (sent as `Retry-After`). */
    readonly retryAfterSeconds: number,
    message = 'Too many requests: try again later.',
  ) {
    super(message);
  }
}

/** An Idempotency-Key used again with another request (method, path or body). */
export class IdempotencyKeyReusedError extends PublicError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
}

/** An Idempotency-Key whose first request is still running. */
export class IdempotencyKeyInUseError extends PublicError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  readonly status = 409;
}
