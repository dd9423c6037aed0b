/**
 * Pool health for the metrics (read every METRICS_INTERVAL_MS by the generator worker, never per
 * scrape): each pool's live level and minimum, and the codes ever claimed per account, product
 * and code type (the sum of reservations' quantity_reserved; its growth between samples is the
 * claim rate).
 */
export const POOL_LEVELS = `
  SELECT account, coalesce(product, '') AS product, code_type, min_unassigned, unassigned_count
  FROM code_pool_level`;

export const CLAIMED_TOTALS = `
  SELECT r.account, coalesce(r.product, '') AS product, r.code_type,
    sum(r.quantity_reserved)::bigint AS claimed
  FROM code_reservation r
  WHERE EXISTS (
    SELECT 1 FROM code_pool p
    WHERE p.account = r.account AND p.code_type = r.code_type
      AND p.product IS NOT DISTINCT FROM r.product)
  GROUP BY 1, 2, 3`;
