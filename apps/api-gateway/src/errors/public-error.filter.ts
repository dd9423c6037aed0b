import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Response } from 'express';
import { isDatabaseUnavailable, translateDataError } from '@sid/shared/database';
import { PublicError, TooManyRequestsError } from '@sid/shared/errors';

/** Directus' codes for the HTTP errors Nest itself raises. */
const HTTP_CODES: Record<number, string> = {
  400: 'INVALID_PAYLOAD',
  401: 'INVALID_CREDENTIALS',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUESTS_EXCEEDED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Every error leaves the gateway in the Directus envelope:
 * `{ "errors": [{ "message": "...", "extensions": { "code": "..." } }] }`.
 * Unknown errors are logged in full and shown without details.
 */
@Catch()
export class PublicErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<{ method: string; url: string }>();
    const { status, message, extensions } = this.describe(error, request);
    if (status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (response.headersSent) return;
    if (error instanceof TooManyRequestsError) {
      response.setHeader('retry-after', String(error.retryAfterSeconds));
    } else if (status === 503) response.setHeader('Retry-After', '1');
    response.status(status).json({ errors: [{ message, extensions }] });
  }

  private describe(
    error: unknown,
    request: { method: string; url: string },
  ): { status: number; message: string; extensions: Record<string, unknown> } {
    // A value PostgreSQL could not take (22xxx) that no validation caught is still the caller's.
    error = translateDataError(error);
    if (error instanceof PublicError) {
      return {
        status: error.status,
        message: error.message,
        extensions: { ...error.extensions, code: error.code },
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const message =
        status === HttpStatus.NOT_FOUND
          ? `Route ${request.url.split('?')[0]} doesn't exist.`
          : status === HttpStatus.BAD_REQUEST && /JSON/.test(error.message)
            ? 'The request body is not valid JSON.'
            : error.message;
      return {
        status,
        message,
        extensions: { code: HTTP_CODES[status] ?? 'INTERNAL_SERVER_ERROR' },
      };
    }
    // The body parser's own errors (http-errors): a client error it says may be shown
    // (unsupported charset or encoding, aborted or mis-sized body, too large) is the caller's.
    const clientError = error as { status?: unknown; expose?: unknown; type?: unknown };
    if (typeof clientError?.status === 'number' && clientError.status < 500 && clientError.expose) {
      const status = clientError.status;
      return {
        status,
        message:
          clientError.type === 'entity.too.large'
            ? 'The request body is too large.'
            : (error as Error).message,
        extensions: { code: HTTP_CODES[status] ?? 'INVALID_PAYLOAD' },
      };
    }
    // The database restarting or out of reach: nothing is wrong with the request, and it may
    // well succeed if sent again in a moment.
    if (isDatabaseUnavailable(error)) {
      return {
        status: 503,
        message: 'The database is not reachable right now; try again in a moment.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    return {
      status: 500,
      message: 'An unexpected error occurred.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
}
