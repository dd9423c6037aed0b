/** What an export says about its code_reservation as a whole (JSON top level, XML root). */
export interface ExportMeta {
  /** The code_reservation id. */
  reservation: string;
  reference_id: string | null;
  product: string | null;
  code_type: string;
}
