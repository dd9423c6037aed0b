import { Readable } from 'node:stream';
import { parseCodeFile } from './code-file';

async function rows(content: string | Buffer, type: 'csv' | 'json') {
  const all: Record<string, unknown>[] = [];
  const body = Readable.from([typeof content === 'string' ? Buffer.from(content) : content]);
  for await (const batch of parseCodeFile(body, type)) all.push(...batch);
  return all;
}

describe('parseCodeFile', () => {
  it('reads CSV rows by header, BOM and blank lines aside', async () => {
    expect(
      await rows('\ufeffid,product,pallet\nabc12345,sku1,p1\n\ndef12345,sku1,p2\n', 'csv'),
    ).toEqual([
      { id: 'abc12345', product: 'sku1', pallet: 'p1' },
      { id: 'def12345', product: 'sku1', pallet: 'p2' },
    ]);
  });

  it('reads a JSON array of objects', async () => {
    expect(await rows('[{"id":"abc12345","lot":1},{"id":"def12345"}]', 'json')).toEqual([
      { id: 'abc12345', lot: 1 },
      { id: 'def12345' },
    ]);
  });

  it('hands rows on in batches', async () => {
    const lines = Array.from({ length: 1100 }, (_, i) => `code${String(i).padStart(6, '0')}`);
    const body = Readable.from([Buffer.from(`id\n${lines.join('\n')}\n`)]);
    const sizes: number[] = [];
    for await (const batch of parseCodeFile(body, 'csv')) sizes.push(batch.length);
    expect(sizes).toEqual([500, 500, 100]);
  });

  it.each([
    ['', 'csv', 'The file is empty.'],
    ['id\n', 'csv', 'The file has no codes.'],
    ['code,product\nabc12345,x\n', 'csv', 'The CSV header has no "id" column.'],
    ['id,a\nabc12345,"x\n', 'csv', 'The file is not valid CSV'],
    ['id,a\nabc12345,x,y\n', 'csv', 'The file is not valid CSV'],
    ['{"id":"abc12345"}', 'json', 'The JSON file must be an array of objects'],
    ['["abc12345"]', 'json', 'The JSON file must be an array of objects'],
    ['[{"id":"abc12345"', 'json', 'The file is not valid JSON'],
    ['[]', 'json', 'The file has no codes.'],
  ] as const)('refuses %j (%s) with one clear message', async (content, type, message) => {
    await expect(rows(content, type)).rejects.toThrow(message);
  });

  it('refuses bytes that are not UTF-8', async () => {
    await expect(
      rows(Buffer.from([0x69, 0x64, 0x0a, 0xff, 0xfe, 0x41, 0x0a]), 'csv'),
    ).rejects.toThrow('The file is not valid UTF-8.');
  });
});
