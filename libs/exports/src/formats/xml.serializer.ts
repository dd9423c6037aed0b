import { EXPORT_COLUMNS, ExportRow } from './export-row';
import { ExportMeta } from './export-meta';
import { ExportSerializer } from './export-serializer';

/** Characters that need an entity, and characters XML 1.0 does not allow at all. */
const TO_ESCAPE = /[&<>"'\t\n\r]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** A cheaper superset of TO_ESCAPE (it also matches well-formed surrogate pairs). */
const MAY_NEED_ESCAPE = /[&<>"'\u0000-\u001f\uD800-\uDFFF\uFFFE\uFFFF]/;
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const OPEN = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, `<${c}>`])) as Record<
  keyof ExportRow,
  string
>;
const CLOSE = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, `</${c}>`])) as Record<
  keyof ExportRow,
  string
>;

/**
 * Well-formed XML 1.0, UTF-8:
 *
 * ```xml
 * <?xml version="1.0" encoding="UTF-8"?>
 * <code_reservation id="…" reference_id="…" product="…" code_type="…"><codes>
 * <unique_code><code>…</code><digital_link>…</digital_link>…</unique_code>
 * </codes></code_reservation>
 * ```
 *
 * A null field (or attribute) is left out rather than written empty. Text is escaped with
 * `escapeXml`: see there for what happens to characters XML 1.0 cannot carry.
 */
export class XmlSerializer extends ExportSerializer {
  constructor(private readonly meta: ExportMeta) {
    super();
  }

  protected prologue(): string {
    return xmlPrologue(this.meta);
  }

  protected serializeRows(rows: readonly ExportRow[]): string {
    // One flat list of pieces joined once: concatenating per row built millions of short-lived
    // rope strings, and garbage collection took two thirds of the time.
    const parts: string[] = [];
    for (const row of rows) {
      parts.push('<unique_code>');
      for (const column of EXPORT_COLUMNS) {
        const value = row[column];
        if (value !== null) parts.push(OPEN[column], escapeXml(String(value)), CLOSE[column]);
      }
      parts.push('</unique_code>\n');
    }
    return parts.join('');
  }

  protected epilogue(): string {
    return XML_EPILOGUE;
  }
}

/** The XML declaration and the root element with the reservation's fields, up to the first code. */
export function xmlPrologue(meta: ExportMeta): string {
  const { reservation, reference_id, product, code_type } = meta;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<code_reservation${attribute('id', reservation)}${attribute('reference_id', reference_id)}` +
    `${attribute('product', product)}${attribute('code_type', code_type)}><codes>\n`
  );
}

export const XML_EPILOGUE = '</codes></code_reservation>\n';

function attribute(name: string, value: string | null): string {
  return value === null ? '' : ` ${name}="${escapeXml(value)}"`;
}

/**
 * Escapes text for XML 1.0 element content and attribute values: `& < > " '` as entities, TAB /
 * LF / CR as `&#9;` `&#10;` `&#13;` (so parsers neither normalise nor drop them). Characters that
 * XML 1.0 does not allow even as references (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF,
 * lone surrogates) cannot be carried: each is replaced by U+FFFD.
 */
export function escapeXml(value: string): string {
  if (!MAY_NEED_ESCAPE.test(value)) return value;
  return value.replace(TO_ESCAPE, (c) => ENTITIES[c] ?? '\uFFFD');
}
