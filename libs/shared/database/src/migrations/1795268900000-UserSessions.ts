import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in with a password (`POST /auth/login`). A user may have a password (argon2 hash), a static
 * token, or both. Each sign-in starts a session family; every refresh rotates its refresh token
 * (a new row, the old one stamped `rotated_at`). Only SHA-256 hashes of refresh tokens are kept.
 * A rotated token used again revokes the whole family: it was stolen, or copied.
 *
 * No partner reads sessions (they are no item collection), so the tenant role of the row-level
 * security migration, which is granted SELECT on every new table by default, loses it here: a
 * statement running as a tenant can never see a refresh token's hash, its own account's or not.
 */
export class UserSessions1795268900000 implements MigrationInterface {
  name = 'UserSessions1795268900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user ADD COLUMN password_hash text CHECK (password_hash LIKE '$argon2%');

      CREATE TABLE user_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        expires timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        date_created timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX user_session_family_idx ON user_session (family);
      CREATE INDEX user_session_user_idx ON user_session (user_id);
      REVOKE ALL ON user_session FROM sid_tenant;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_session; ALTER TABLE app_user DROP COLUMN password_hash`);
  }
}
