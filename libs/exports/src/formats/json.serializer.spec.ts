import { EXPORT_COLUMNS, ExportRow } from './export-row';
import { NASTY_META, inBatches, nastyRows, serialize } from './export-row.fixtures';
import { JsonSerializer } from './json.serializer';

describe('JsonSerializer', () => {
  it('writes one JSON document holding the reservation and every row, read back exactly', async () => {
    const rows = nastyRows();
    const text = await serialize(new JsonSerializer(NASTY_META), inBatches(rows, 4));

    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual([
      'reservation',
      'reference_id',
      'product',
      'code_type',
      'codes',
    ]);
    expect(document).toEqual({ ...NASTY_META, codes: rows });
    for (const code of document.codes) expect(Object.keys(code)).toEqual([...EXPORT_COLUMNS]);
  });

  it('keeps nulls, and writes only the export fields of a row', async () => {
    const row = { ...nastyRows().at(-1), internal_id: 42 } as ExportRow;
    const meta = { ...NASTY_META, reference_id: null, product: null };

    const document = JSON.parse(await serialize(new JsonSerializer(meta), [[row]]));

    expect(document.reference_id).toBeNull();
    expect(document.product).toBeNull();
    expect(document.codes).toHaveLength(1);
    expect(document.codes[0]).not.toHaveProperty('internal_id');
    expect(document.codes[0].epc_join_key).toBeNull();
    expect(document.codes[0].code).toBe('-abc');
  });

  it('gives the same document whatever the batching', async () => {
    const rows = nastyRows();
    const whole = await serialize(new JsonSerializer(NASTY_META), [rows]);
    expect(await serialize(new JsonSerializer(NASTY_META), inBatches(rows, 1))).toBe(whole);
    expect(await serialize(new JsonSerializer(NASTY_META), inBatches(rows, 5))).toBe(whole);
  });

  it('writes a valid document with no codes for an empty export', async () => {
    const text = await serialize(new JsonSerializer(NASTY_META), [[], []]);
    expect(JSON.parse(text)).toEqual({ ...NASTY_META, codes: [] });
  });
});
