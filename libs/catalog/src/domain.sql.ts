export const HOST_OF_DOMAIN = `SELECT host FROM domain WHERE id = $1 AND account = $2`;

export const DEFAULT_HOST = `SELECT host FROM domain WHERE account = $1 AND is_default`;

/** A default link domain for account $1 at host $2, unless it has one or the host is taken. */
export const ENSURE_DEFAULT_DOMAIN = `
  INSERT INTO domain (account, host, is_default)
  SELECT $1, $2, true
  WHERE NOT EXISTS (SELECT 1 FROM domain WHERE account = $1 AND is_default)
    AND NOT EXISTS (SELECT 1 FROM domain WHERE host = $2)`;
