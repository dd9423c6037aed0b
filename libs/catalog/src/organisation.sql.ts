/** Organisation $1 if it belongs to account $2. */
export const ORGANISATION_IN_ACCOUNT = `SELECT 1 FROM organisation WHERE id = $1 AND account = $2`;
