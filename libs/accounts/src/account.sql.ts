import { prepared } from '@sid/shared/database';

export const INSERT_ACCOUNT = `INSERT INTO account (name) VALUES ($1) RETURNING id`;

export const ACCOUNT_EXISTS = `SELECT 1 FROM account WHERE id = $1`;

export const INSERT_USER = `
  INSERT INTO app_user (account, email, first_name, last_name, role, token_hash, permissions,
    password_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`;

export const USER_BY_EMAIL = `SELECT id, account FROM app_user WHERE email = $1`;

/** Who signs in with this email (case-insensitive, as Directus), and their password's hash. */
export const USER_FOR_LOGIN = `
  SELECT id, password_hash FROM app_user WHERE lower(email) = lower($1) AND status = 'active'`;

/**
 * The functions (AuthLookups migration) return the same whatever the connection runs as. Run on
 * every request, so prepared once per connection.
 */
export const ACTIVE_USER_BY_ID = prepared(`SELECT id, account, role FROM active_user_by_id($1)`);

export const USER_EXISTS = `SELECT 1 FROM app_user WHERE id = $1`;

/** A name whose flag ($2, $4) is false keeps its value; a given one may be null. */
export const UPDATE_USER_NAMES = `
  UPDATE app_user
  SET first_name = CASE WHEN $2::boolean THEN $3::text ELSE first_name END,
      last_name = CASE WHEN $4::boolean THEN $5::text ELSE last_name END,
      date_updated = now()
  WHERE id = $1`;

export const SET_PASSWORD = `
  UPDATE app_user SET password_hash = $2, date_updated = now() WHERE id = $1`;

export const ACTIVE_USER_BY_TOKEN = prepared(`
  SELECT id, account, role, permissions FROM active_user_by_token($1)`);

/** An admin's token is the configured one, and it is an active admin again. */
export const RESET_ADMIN = `
  UPDATE app_user SET token_hash = $2, role = 'admin', status = 'active', date_updated = now()
  WHERE id = $1`;

/** One bootstrap at a time across replicas, until the end of the transaction. */
export const LOCK_BOOTSTRAP = `SELECT pg_advisory_xact_lock(hashtext('sid.bootstrap-admin'))`;
