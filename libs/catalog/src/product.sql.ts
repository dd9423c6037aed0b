/** Product $1 of account $2: its GTIN and its brand owner's GS1 company prefix (null if none). */
export const PRODUCT_GS1_KEYS = `
  SELECT p.gtin, o.gs1_company_prefix AS company_prefix
  FROM product p LEFT JOIN organisation o ON o.id = p.brand_owner
  WHERE p.id = $1 AND p.account = $2`;

/** Product $1 if it belongs to account $2. */
export const PRODUCT_IN_ACCOUNT = `SELECT 1 FROM product WHERE id = $1 AND account = $2`;

/** The products of account $1, by every key a file of codes may name one with. */
export const ACCOUNT_PRODUCT_KEYS = `SELECT id, gtin, custom_id FROM product WHERE account = $1`;
