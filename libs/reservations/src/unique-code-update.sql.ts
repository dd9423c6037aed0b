import { CompiledQuery } from '@sid/shared/items';
import { CODE_LIFECYCLE } from '@sid/codes';

/** A batch of one: code $1 (an admin's), or code $1 of account $2. */
export const CODE_BY_ID = `SELECT id AS key FROM unique_code WHERE id = $1::uuid`;
export const OWN_CODE_BY_ID = `SELECT id AS key FROM unique_code WHERE id = $1::uuid AND account = $2::uuid`;

/** Why a code refuses a batch update; the first offender (in key order) is reported. */
export type CodeUpdateProblem =
  'lifecycle' | 'no_reservation' | 'other_codes' | 'reservation_change';

export interface CodeUpdateValues {
  /** The status asked for, or null to leave statuses alone. */
  next: string | null;
  reservation: string | null;
  /** Whether the body named `reservation` at all (null included). */
  set_reservation: boolean;
  /** The reservation's codes, when one is named: product, code_type, account. */
  r_product: string | null;
  r_type: string | null;
  r_account: string | null;
  set_custom_id: boolean;
  custom_id: string | null;
  /** The activation status asked for, or null to leave it. */
  activation_status: number | null;
  set_blacklist_reason: boolean;
  blacklist_reason: string | null;
  user: string;
}

export interface CodeUpdateResult {
  offender: {
    code: string;
    status: string;
    reservation: string | null;
    problem: CodeUpdateProblem;
  } | null;
  matched: number;
  /** Codes that moved from unassigned to reserved (they now count towards the reservation). */
  reserved: number;
  ids: string[];
}

const LIFECYCLE = `ARRAY[${CODE_LIFECYCLE.map((s) => `'${s}'`).join(', ')}]`;

/**
 * One statement for one part of a batch update: lock the selected codes in key order (so that
 * two batches never deadlock), find the first code that may not change, and change all of them
 * only if there is none. A code already at the asked status is left at it (as a single PATCH).
 */
const UPDATE_CODES = `
  WITH target AS MATERIALIZED (
    SELECT u.id, u.code, u.status, u.reservation, u.product, u.type, u.account
    FROM unique_code u
    WHERE u.id IN (%SELECTION%)
    ORDER BY u.id
    FOR UPDATE OF u
  ),
  checked AS (
    SELECT t.id, t.code, t.status, t.reservation, CASE
      WHEN {next}::text IS NOT NULL AND t.status <> {next}::text
        AND array_position(${LIFECYCLE}, {next}::text) <> array_position(${LIFECYCLE}, t.status) + 1
        THEN 'lifecycle'
      WHEN {next}::text = 'reserved' AND t.status = 'unassigned' AND {reservation}::uuid IS NULL
        THEN 'no_reservation'
      WHEN {next}::text = 'reserved' AND t.status = 'unassigned' AND (t.account <> {r_account}::uuid
        OR t.type <> {r_type}::text OR t.product IS DISTINCT FROM {r_product}::text)
        THEN 'other_codes'
      WHEN {set_reservation}::boolean AND NOT ({next}::text IS NOT DISTINCT FROM 'reserved' AND t.status = 'unassigned')
        AND t.reservation IS DISTINCT FROM {reservation}::uuid
        THEN 'reservation_change'
    END AS problem
    FROM target t
  ),
  offender AS (
    SELECT code, status, reservation, problem FROM checked WHERE problem IS NOT NULL ORDER BY id LIMIT 1
  ),
  updated AS (
    UPDATE unique_code u SET
      status = coalesce({next}::text, u.status),
      reservation = CASE WHEN {next}::text = 'reserved' AND t.status = 'unassigned'
        THEN {reservation}::uuid ELSE u.reservation END,
      custom_id = CASE WHEN {set_custom_id}::boolean THEN {custom_id}::text ELSE u.custom_id END,
      activation_status = coalesce({activation_status}::smallint, u.activation_status),
      blacklist_reason = CASE WHEN {set_blacklist_reason}::boolean THEN {blacklist_reason}::text
        ELSE u.blacklist_reason END,
      user_updated = {user}::uuid,
      date_updated = now()
    FROM target t
    WHERE u.id = t.id AND NOT EXISTS (SELECT 1 FROM offender)
    RETURNING u.id, t.status AS previous
  )
  SELECT
    (SELECT to_jsonb(o) FROM offender o) AS offender,
    (SELECT count(*)::int FROM target) AS matched,
    (SELECT count(*)::int FROM updated WHERE previous = 'unassigned' AND {next}::text = 'reserved') AS reserved,
    (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM updated) AS ids`;

/** The statement for `selection` (its `$n` first, then the values). */
export function updateCodesQuery(
  selection: CompiledQuery,
  values: CodeUpdateValues,
): CompiledQuery {
  const params = [...selection.params];
  const placeholders = new Map<string, string>();
  const sql = UPDATE_CODES.replace(/\{(\w+)\}/g, (_, name: keyof CodeUpdateValues) => {
    let placeholder = placeholders.get(name);
    if (placeholder === undefined) {
      params.push(values[name]);
      placeholder = `$${params.length}`;
      placeholders.set(name, placeholder);
    }
    return placeholder;
  }).replace('%SELECTION%', selection.sql);
  return { sql, params };
}
