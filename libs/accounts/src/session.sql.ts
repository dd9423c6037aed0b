/** SQL of login sessions (user_session). The users they sign in are AccountRepository's. */

export const INSERT_SESSION = `
  INSERT INTO user_session (family, user_id, token_hash, expires)
  VALUES ($1, $2, $3, now() + make_interval(secs => $4))`;

/** The session row of a refresh token, locked so that two refreshes with it take turns. */
export const LOCK_SESSION = `
  SELECT s.id, s.family, s.user_id, s.rotated_at, s.revoked_at, s.expires < now() AS expired
  FROM user_session s
  JOIN app_user u ON u.id = s.user_id AND u.status = 'active'
  WHERE s.token_hash = $1
  FOR UPDATE OF s`;

export const ROTATE_SESSION = `UPDATE user_session SET rotated_at = now() WHERE id = $1`;

export const REVOKE_FAMILY = `
  UPDATE user_session SET revoked_at = now() WHERE family = $1 AND revoked_at IS NULL`;
