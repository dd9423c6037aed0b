/**
 * One reserved code as it is exported, whatever the format. Field names keep the spelling of the
 * public API (`unique_code`, `code_reservation`).
 */
export interface ExportRow {
  code: string;
  digital_link: string;
  epc_join_key: string | null;
  type: string;
  product: string | null;
  status: string;
  /** 0 inactive, 1 active, 2 blacklisted. */
  activation_status: number;
  blacklist_reason: string | null;
  /** Id of the code_reservation. */
  reservation: string;
  reference_id: string | null;
}

/** Column / element order of every format. */
export const EXPORT_COLUMNS = [
  'code',
  'digital_link',
  'epc_join_key',
  'type',
  'product',
  'status',
  'activation_status',
  'blacklist_reason',
  'reservation',
  'reference_id',
] as const satisfies readonly (keyof ExportRow)[];
