import { CSV_HEADER } from './csv.serializer';
import { ExportMeta } from './export-meta';
import { ExportType } from './export-format';
import { jsonEpilogue, jsonPrologue } from './json.serializer';
import { XML_EPILOGUE, xmlPrologue } from './xml.serializer';

/**
 * What goes around rows serialized elsewhere (by PostgreSQL, see `exportRowsCopy`) to make the
 * same document the format's serializer writes.
 */
export interface ExportFrame {
  prologue: string;
  /** Given how many rows were written. */
  epilogue(rows: number): string;
  /** Bytes to drop from the first row: JSON rows start with the `,` that separates them. */
  firstRowSkip: number;
}

export function exportFrame(type: ExportType, meta: ExportMeta): ExportFrame {
  switch (type) {
    case 'csv':
      return { prologue: CSV_HEADER, epilogue: () => '', firstRowSkip: 0 };
    case 'json':
      return { prologue: jsonPrologue(meta), epilogue: jsonEpilogue, firstRowSkip: 1 };
    case 'xml':
      return { prologue: xmlPrologue(meta), epilogue: () => XML_EPILOGUE, firstRowSkip: 0 };
    default:
      throw new TypeError(`Unknown export type: ${String(type satisfies never)}`);
  }
}
