import { InvalidPayloadError, RecordNotUniqueError } from '@sid/shared/errors';
import {
  PG_CHECK_VIOLATION,
  PG_FOREIGN_KEY_VIOLATION,
  PG_UNIQUE_VIOLATION,
  pgError,
} from './pg-error';

/**
 * Turns a constraint violation from an INSERT/UPDATE/DELETE into the error a partner should see.
 * The database is the last line of defence; services validate first, so these messages are for
 * the races and the cases validation cannot see (a duplicate, a row deleted meanwhile).
 */
export function translateWriteError(error: unknown, collection: string): unknown {
  const pg = pgError(error);
  if (!pg) return error;
  const detail = pg.detail ? ` ${pg.detail}` : '';
  switch (pg.code) {
    case PG_UNIQUE_VIOLATION:
      return new RecordNotUniqueError(
        `A ${collection} item with these values already exists.${detail}`,
        {
          collection,
        },
      );
    case PG_FOREIGN_KEY_VIOLATION:
      return new InvalidPayloadError(
        /is still referenced/.test(pg.detail ?? '')
          ? `This ${collection} item is still used by other items and cannot be removed.${detail}`
          : `A related item does not exist.${detail}`,
        { collection },
      );
    case PG_CHECK_VIOLATION:
      return new InvalidPayloadError(
        `Invalid value for ${collection} (${pg.constraint ?? 'check'}).`,
        {
          collection,
        },
      );
    default:
      return error;
  }
}
