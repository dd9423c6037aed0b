/** The products of an account, by every key a file may name one with (read-only). */
export const ACCOUNT_PRODUCTS = `SELECT id, gtin, custom_id FROM product WHERE account = $1`;
