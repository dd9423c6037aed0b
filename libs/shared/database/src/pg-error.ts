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
