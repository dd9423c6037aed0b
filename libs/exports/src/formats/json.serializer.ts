import { ExportRow } from './export-row';
import { ExportMeta } from './export-meta';
import { ExportSerializer } from './export-serializer';

/**
 * One JSON document:
 * `{"reservation":…,"reference_id":…,"product":…,"code_type":…,"codes":[{…},{…}]}`, one code per
 * line. Every row is written with the same keys in the same order; nulls stay null.
 */
export class JsonSerializer extends ExportSerializer {
  private written = 0;

  constructor(private readonly meta: ExportMeta) {
    super();
  }

  protected prologue(): string {
    return jsonPrologue(this.meta);
  }

  protected serializeRows(rows: readonly ExportRow[]): string {
    const items = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      items[i] = JSON.stringify({
        code: row.code,
        digital_link: row.digital_link,
        epc_join_key: row.epc_join_key,
        type: row.type,
        product: row.product,
        status: row.status,
        activation_status: row.activation_status,
        blacklist_reason: row.blacklist_reason,
        reservation: row.reservation,
        reference_id: row.reference_id,
      });
    }
    const separator = this.written === 0 ? '\n' : ',\n';
    this.written += rows.length;
    return separator + items.join(',\n');
  }

  protected epilogue(): string {
    return jsonEpilogue(this.written);
  }
}

/** Everything before the first code: the reservation's fields and the opening of `codes`. */
export function jsonPrologue(meta: ExportMeta): string {
  const { reservation, reference_id, product, code_type } = meta;
  const head = JSON.stringify({ reservation, reference_id, product, code_type });
  return `${head.slice(0, -1)},"codes":[`;
}

/** Everything after the last of `rows` codes. */
export function jsonEpilogue(rows: number): string {
  return rows === 0 ? ']}\n' : '\n]}\n';
}
