export const INSERT_ACCOUNT = `INSERT INTO account (name) VALUES ($1) RETURNING id`;

export const ACCOUNT_EXISTS = `SELECT 1 FROM account WHERE id = $1`;

export const INSERT_USER = `
  INSERT INTO app_user (account, email, first_name, last_name, role, token_hash, permissions)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`;

export const USER_BY_EMAIL = `SELECT id, account FROM app_user WHERE email = $1`;

export const ACTIVE_USER_BY_TOKEN = `
  SELECT id, account, role, permissions FROM app_user WHERE token_hash = $1 AND status = 'active'`;

/** An admin's token is the configured one, and it is an active admin again. */
export const RESET_ADMIN = `
  UPDATE app_user SET token_hash = $2, role = 'admin', status = 'active', date_updated = now()
  WHERE id = $1`;

/** One bootstrap at a time across replicas, until the end of the transaction. */
export const LOCK_BOOTSTRAP = `SELECT pg_advisory_xact_lock(hashtext('sid.bootstrap-admin'))`;
