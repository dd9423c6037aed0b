import { Transform } from 'node:stream';
import { csvCell, CsvSerializer } from './csv.serializer';
import { ExportMeta } from './export-meta';
import { JsonSerializer } from './json.serializer';
import { escapeXml, XmlSerializer } from './xml.serializer';

export const EXPORT_TYPES = ['csv', 'json', 'xml'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportType, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
};

/** File extension, without the dot. */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportType, string>> = {
  csv: 'csv',
  json: 'json',
  xml: 'xml',
};

export function isExportType(value: unknown): value is ExportType {
  return typeof value === 'string' && (EXPORT_TYPES as readonly string[]).includes(value);
}

/**
 * Whether every format writes `value` as it is: no CSV quoting or formula guard, no JSON escape,
 * no XML entity. What `unique_code.plain_text` says of a code's text values (the ExportPlainText
 * migration computes the same in SQL).
 */
export function isPlainText(value: string): boolean {
  return (
    csvCell(value) === value && JSON.stringify(value) === `"${value}"` && escapeXml(value) === value
  );
}

/**
 * A Transform that takes `ExportRow[]` batches (object mode) and gives the bytes of one document
 * of `type`. End it (even without writing) to get a complete document.
 */
export function createExportSerializer(type: ExportType, meta: ExportMeta): Transform {
  switch (type) {
    case 'csv':
      return new CsvSerializer();
    case 'json':
      return new JsonSerializer(meta);
    case 'xml':
      return new XmlSerializer(meta);
    default:
      throw new TypeError(`Unknown export type: ${String(type satisfies never)}`);
  }
}
