import { Matches } from 'class-validator';

export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An 8-4-4-4-12 hex id (see `IsUuidLike`). */
export function isUuidLike(value: string): boolean {
  return UUID_SHAPE.test(value);
}

/**
 * Any 8-4-4-4-12 hex id, as PostgreSQL's `uuid` type (and Directus) accept it. Stricter RFC 4122
 * checks would refuse ids partners already hold, such as the spec's `f1b2c3d4-e5f6-7890-1234-...`.
 */
export const IsUuidLike = () => Matches(UUID_SHAPE, { message: '$property must be a UUID' });
