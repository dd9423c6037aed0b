import { ClientBase } from 'pg';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { ExportDocumentStream } from './export-document.stream';
import { exportRowsCopy } from './export.sql';
import { exportFrame, ExportType } from './formats';

/** The fields of a code_reservation that its export document shows. */
export interface ExportSubject {
  id: string;
  export_type: ExportType;
  url_suffix: string | null;
  reference_id: string | null;
  product: string | null;
  code_type: string;
}

export interface ExportCopy {
  /** The document's bytes; `rows` counts the codes once it has ended. */
  document: ExportDocumentStream;
  /** Settles when the COPY has been read to its end (or failed). */
  copied: Promise<void>;
}

/**
 * Starts the one `COPY ... TO STDOUT` (`exportRowsCopy`) of the reservation's codes on `client`
 * and frames it into the whole document. Read `document` (it pauses the COPY while unread), and
 * await `copied` to know the COPY ended well; a failing COPY also fails `document`.
 */
export function copyExportDocument(client: ClientBase, subject: ExportSubject): ExportCopy {
  const type = subject.export_type;
  const document = new ExportDocumentStream(
    exportFrame(type, {
      reservation: subject.id,
      reference_id: subject.reference_id,
      product: subject.product,
      code_type: subject.code_type,
    }),
  );
  const copy = client.query(
    copyTo(
      exportRowsCopy(type, {
        reservation: subject.id,
        url_suffix: subject.url_suffix,
        reference_id: subject.reference_id,
      }),
    ),
  );
  // The COPY stream reports a dropped connection after the pipeline may have given up on it.
  copy.on('error', () => undefined);
  return { document, copied: pipeline(copy, document) };
}
