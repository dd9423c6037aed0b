/** PostgreSQL error codes the services react to. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';

export interface PgError {
  code: string;
  constraint?: string;
  detail?: string;
}

export function isPgError(error: unknown, code?: string): error is PgError {
  const candidate = (error as { driverError?: unknown })?.driverError ?? error;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof (candidate as PgError).code === 'string' &&
    (code === undefined || (candidate as PgError).code === code)
  );
}

export function pgError(error: unknown): PgError | undefined {
  const candidate = (error as { driverError?: unknown })?.driverError ?? error;
  return isPgError(candidate) ? candidate : undefined;
}

/** Node.js socket errors that mean the database could not be reached or went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** What node-postgres and pg-pool say (as plain errors, without a code) when a connection ends. */
const LOST_CONNECTION =
  /^(Connection terminated|terminating connection|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * The database is unavailable rather than the request wrong: the server is restarting or shutting
 * down (57P01-57P03), the connection broke (class 08), or could not be made. Such a request may
 * well succeed a moment later, so it deserves a 503, not an internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = (error as { driverError?: unknown })?.driverError ?? error;
  if (typeof candidate !== 'object' || candidate === null) return false;
  const { code, message } = candidate as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')
      return true;
    if (SOCKET_CODES.has(code)) return true;
  }
  return typeof message === 'string' && LOST_CONNECTION.test(message);
}
