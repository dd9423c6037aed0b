import { CustomCode } from '@sid/codes';

/** Scantrust's rule for an uploaded id (and the unique_code column's 64-character limit). */
export const ID_RULE = /^[A-Za-z0-9_-]{8,}$/;
export const MAX_ID_LENGTH = 64;
export const MAX_BLACKLIST_REASON = 500;

/** The columns a file may have besides SCM fields. */
const KNOWN_COLUMNS = new Set(['id', 'product', 'activation_status', 'blacklist_reason']);

/** What is wrong with one row; each kind lists its ids in the record's `result_data.errors`. */
export type RowErrorKind =
  | 'invalid_id_error'
  | 'unknown_product_error'
  | 'invalid_activation_status_error'
  | 'invalid_blacklist_reason_error';

export interface RowError {
  kind: RowErrorKind;
  /** The row's id as given (or its line, `line <n>`, when it has none). */
  id: string;
}

/** How the rows of one file become codes: the `process` parameters and the account's products. */
export interface RowContext {
  /** `default_scm_data`: each code's defaults; a row's own non-empty values win. */
  defaults: Record<string, unknown>;
  /** `url_prefix` + id is the code's link; without it, `https://<host>/<id>`. */
  urlPrefix: string | null;
  host: string;
  /** The account's products by custom_id, GTIN-14 and `/01/<gtin>` id. */
  products: ReadonlyMap<string, string>;
}

/**
 * One parsed row (CSV: strings; JSON: any value) as a code, or the first problem it has. A value
 * that is missing, null or empty takes the default of `default_scm_data`.
 */
export function mapRow(
  row: Record<string, unknown>,
  line: number,
  context: RowContext,
): CustomCode | RowError {
  const merged: Record<string, unknown> = { ...context.defaults };
  for (const [key, value] of Object.entries(row)) {
    if (value !== undefined && value !== null && value !== '') merged[key] = value;
  }
  const rawId = merged.id;
  const id = typeof rawId === 'string' ? rawId : typeof rawId === 'number' ? String(rawId) : null;
  if (id === null || !ID_RULE.test(id) || id.length > MAX_ID_LENGTH) {
    return { kind: 'invalid_id_error', id: id ?? `line ${line}` };
  }
  let product: string | null = null;
  if (merged.product !== undefined) {
    product = context.products.get(String(merged.product)) ?? null;
    if (product === null) return { kind: 'unknown_product_error', id };
  }
  const activation = activationStatus(merged.activation_status);
  if (activation === null) return { kind: 'invalid_activation_status_error', id };
  let blacklistReason: string | null = null;
  if (merged.blacklist_reason !== undefined) {
    if (
      typeof merged.blacklist_reason !== 'string' ||
      merged.blacklist_reason.length > MAX_BLACKLIST_REASON
    ) {
      return { kind: 'invalid_blacklist_reason_error', id };
    }
    blacklistReason = merged.blacklist_reason;
  }
  let scm: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(merged)) {
    if (KNOWN_COLUMNS.has(key)) continue;
    (scm ??= {})[key] = value;
  }
  return {
    line,
    code: id,
    product,
    digital_link:
      context.urlPrefix === null ? `https://${context.host}/${id}` : context.urlPrefix + id,
    activation_status: activation,
    blacklist_reason: blacklistReason,
    scm_data: scm,
  };
}

export function isRowError(value: CustomCode | RowError): value is RowError {
  return 'kind' in value;
}

/** 0, 1 or 2 (as a number or its digit); 1 (active) when not given; null when invalid. */
function activationStatus(value: unknown): number | null {
  if (value === undefined) return 1;
  const number = typeof value === 'string' && /^[012]$/.test(value.trim()) ? Number(value) : value;
  return number === 0 || number === 1 || number === 2 ? number : null;
}

/** Keys under which a product may be named in a file: custom_id, GTIN-14, `/01/<gtin>`. */
export function productKeys(
  products: { id: string; gtin: string; custom_id: string | null }[],
): Map<string, string> {
  const keys = new Map<string, string>();
  // Custom ids first: a GTIN or product id written in the file always means that product.
  for (const p of products) if (p.custom_id) keys.set(p.custom_id, p.id);
  for (const p of products) {
    keys.set(p.gtin, p.id);
    keys.set(p.id, p.id);
  }
  return keys;
}
