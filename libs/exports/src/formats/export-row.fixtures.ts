import { Readable, Transform, Writable, pipeline } from 'node:stream';
import { ExportMeta } from './export-meta';
import { ExportRow } from './export-row';

/** Test data for the serializer specs: values chosen to break naive CSV, JSON and XML writers. */
export const NASTY_VALUES: readonly string[] = [
  `=cmd|' /C calc'!A0`,
  '+1',
  '-2',
  '@SUM(1)',
  '\tleading tab',
  '\rleading CR',
  'say "hello"',
  '"',
  'a,b,,c',
  'line1\nline2',
  'crlf\r\nin the middle',
  `<>&"'`,
  ']]><!--',
  'ctl \u0001 and \u001f end',
  '\u0000nul',
  'emoji 😀🚀 and ünïcödé',
  'lone \uD800 surrogate',
  'noncharacters \uFFFE \uFFFF',
  '  padded  ',
  '',
];

export const RESERVATION_ID = '03343178-982f-4b83-8dcb-916595070e51';

export const NASTY_META: ExportMeta = {
  reservation: RESERVATION_ID,
  reference_id: 'PO "7" <A&B>, =1+1\n',
  product: '/01/19361758000003',
  code_type: 'sgtin',
};

/** One row per nasty value, the value in every text field, plus plain and all-null rows. */
export function nastyRows(): ExportRow[] {
  const rows: ExportRow[] = NASTY_VALUES.map((value) => ({
    code: value,
    digital_link: `https://id.example.com/01/19361758000003/21/${value}`,
    epc_join_key: value,
    type: value,
    product: value,
    status: value,
    activation_status: 2,
    blacklist_reason: value,
    reservation: RESERVATION_ID,
    reference_id: value,
  }));
  rows.push(plainRow(1), {
    code: '-abc',
    digital_link: 'https://id.example.com/s/-abc',
    epc_join_key: null,
    type: 'short_code',
    product: null,
    status: 'reserved',
    activation_status: 0,
    blacklist_reason: null,
    reservation: RESERVATION_ID,
    reference_id: null,
  });
  return rows;
}

export function plainRow(index: number): ExportRow {
  const serial = index.toString(36).padStart(10, '0');
  return {
    code: serial,
    digital_link: `https://id.example.com/01/19361758000003/21/${serial}`,
    epc_join_key: index % 2 === 0 ? `19361758000003.${serial}` : null,
    type: 'sgtin',
    product: '/01/19361758000003',
    status: 'reserved',
    activation_status: 1,
    blacklist_reason: null,
    reservation: RESERVATION_ID,
    reference_id: 'BATCH-2024-001',
  };
}

/** Splits rows into batches of `size`, with an empty batch thrown in (the worker may send one). */
export function inBatches(rows: ExportRow[], size: number): ExportRow[][] {
  const batches: ExportRow[][] = [[]];
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
  return batches;
}

/** Runs batches through a serializer and returns the whole document, decoded as UTF-8. */
export function serialize(serializer: Transform, batches: ExportRow[][]): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return new Promise((resolve, reject) => {
    pipeline(Readable.from(batches), serializer, sink, (error) => {
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
