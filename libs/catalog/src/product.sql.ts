/** Product $1 of account $2: its GTIN and its brand owner's GS1 company prefix (null if none). */
export const PRODUCT_GS1_KEYS = `
  SELECT p.gtin, o.gs1_company_prefix AS company_prefix
  FROM product p LEFT JOIN organisation o ON o.id = p.brand_owner
  WHERE p.id = $1 AND p.account = $2`;
