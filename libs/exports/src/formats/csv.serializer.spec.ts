import { parse } from 'csv-parse/sync';
import { CsvSerializer, csvCell } from './csv.serializer';
import { EXPORT_COLUMNS, ExportRow } from './export-row';
import { RESERVATION_ID, inBatches, nastyRows, serialize } from './export-row.fixtures';

/** What a CSV reader gets back for a field: UTF-8 cannot carry lone surrogates (they become U+FFFD). */
function expectedCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const decoded = Buffer.from(value, 'utf8').toString('utf8');
  return /^[=+\-@\t\r]/.test(decoded) ? `'${decoded}` : decoded;
}

function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, record_delimiter: '\r\n', relax_quotes: false });
}

describe('CsvSerializer', () => {
  it('writes a header row and every field of every row, RFC 4180 quoted, read back exactly', async () => {
    const rows = nastyRows();
    const text = await serialize(new CsvSerializer(), inBatches(rows, 3));

    expect(text.startsWith(`${EXPORT_COLUMNS.join(',')}\r\n`)).toBe(true);
    const records = parseCsv(text);
    expect(records).toHaveLength(rows.length);
    records.forEach((record, i) => {
      expect(Object.keys(record)).toEqual([...EXPORT_COLUMNS]);
      for (const column of EXPORT_COLUMNS) {
        expect({ row: i, column, value: record[column] }).toEqual({
          row: i,
          column,
          value: expectedCell(rows[i][column]),
        });
      }
    });
  });

  it('escapes formulas in every cell, codes included, and quotes only where needed', () => {
    expect(csvCell(`=cmd|' /C calc'!A0`)).toBe(`'=cmd|' /C calc'!A0`);
    expect(csvCell('+1')).toBe(`'+1`);
    expect(csvCell('-2')).toBe(`'-2`);
    expect(csvCell('@SUM(1)')).toBe(`'@SUM(1)`);
    expect(csvCell('\tx')).toBe(`'\tx`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('=1,"2"')).toBe(`"'=1,""2"""`);
    expect(csvCell('a-b=c')).toBe('a-b=c');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
  });

  it('writes the exact bytes for a plain row and a code starting with "-"', async () => {
    const row: ExportRow = {
      code: '-abc',
      digital_link: 'https://id.example.com/s/-abc',
      epc_join_key: null,
      type: 'short_code',
      product: null,
      status: 'reserved',
      activation_status: 2,
      blacklist_reason: '-torn, "re-printed"',
      reservation: RESERVATION_ID,
      reference_id: 'PO, "7"',
    };

    const text = await serialize(new CsvSerializer(), [[row]]);

    expect(text).toBe(
      'code,digital_link,epc_join_key,type,product,status,activation_status,blacklist_reason,reservation,reference_id\r\n' +
        `'-abc,https://id.example.com/s/-abc,,short_code,,reserved,2,"'-torn, ""re-printed""",${RESERVATION_ID},"PO, ""7"""\r\n`,
    );
  });

  it('gives the same document whatever the batching', async () => {
    const rows = nastyRows();
    const whole = await serialize(new CsvSerializer(), [rows]);
    expect(await serialize(new CsvSerializer(), inBatches(rows, 1))).toBe(whole);
    expect(await serialize(new CsvSerializer(), inBatches(rows, 7))).toBe(whole);
  });

  it('writes just the header for an empty export', async () => {
    const text = await serialize(new CsvSerializer(), []);
    expect(text).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
    expect(parseCsv(text)).toEqual([]);
  });
});
