import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExportDocumentStream } from './export-document.stream';
import { ExportFrame } from './formats';

const FRAME: ExportFrame = {
  prologue: '<head>',
  epilogue: (rows) => `<tail rows="${rows}">`,
  firstRowSkip: 0,
};

/** PostgreSQL's binary COPY framing of one text column, written out by hand. */
function binaryCopy(
  values: readonly (string | null)[],
  options: { extension?: Buffer } = {},
): Buffer {
  const extension = options.extension ?? Buffer.alloc(0);
  const header = Buffer.alloc(19);
  header.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
  header.writeUInt32BE(0, 11);
  header.writeUInt32BE(extension.length, 15);
  const rows = values.map((value) => {
    const bytes = value === null ? Buffer.alloc(0) : Buffer.from(value, 'utf8');
    const row = Buffer.alloc(6);
    row.writeInt16BE(1, 0);
    row.writeInt32BE(value === null ? -1 : bytes.length, 2);
    return Buffer.concat([row, bytes]);
  });
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  return Buffer.concat([header, extension, ...rows, trailer]);
}

function chunked(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return chunks;
}

async function run(
  chunks: readonly Buffer[],
  frame: ExportFrame = FRAME,
): Promise<{ text: string; rows: number; pushes: number }> {
  const stream = new ExportDocumentStream(frame);
  const out: Buffer[] = [];
  let pushes = 0;
  stream.on('data', (chunk: Buffer) => {
    pushes++;
    out.push(chunk);
  });
  await pipeline(Readable.from(chunks), stream);
  return { text: Buffer.concat(out).toString('utf8'), rows: stream.rows, pushes };
}

const VALUES = ['a,b\r\n', '😀 ünï\r\n', '', 'x'.repeat(70_000), '"q"\r\n'];

describe('ExportDocumentStream', () => {
  it('writes the prologue, every value as it is, and the epilogue with the row count', async () => {
    const { text, rows } = await run([binaryCopy(VALUES)]);
    expect(text).toBe(`<head>${VALUES.join('')}<tail rows="5">`);
    expect(rows).toBe(5);
  });

  it.each([1, 2, 5, 7, 19, 64, 1000])(
    'gives the same bytes whatever the chunking (%i-byte chunks)',
    async (size) => {
      const { text, rows } = await run(chunked(binaryCopy(VALUES), size));
      expect(text).toBe(`<head>${VALUES.join('')}<tail rows="5">`);
      expect(rows).toBe(5);
    },
  );

  it('skips a header extension', async () => {
    const { text } = await run([binaryCopy(['r1'], { extension: Buffer.from('future') })]);
    expect(text).toBe('<head>r1<tail rows="1">');
  });

  it('drops firstRowSkip bytes of the first row only (the separator JSON rows start with)', async () => {
    const frame = { prologue: '[', epilogue: () => ']', firstRowSkip: 1 };
    const { text } = await run(chunked(binaryCopy([',1', ',2', ',3']), 3), frame);
    expect(text).toBe('[1,2,3]');
  });

  it('still writes one whole document when there are no rows', async () => {
    const { text, rows } = await run([binaryCopy([])]);
    expect(text).toBe('<head><tail rows="0">');
    expect(rows).toBe(0);
  });

  it('writes views of its input chunks, not copies of them', async () => {
    const input = binaryCopy(['r1\n', 'r2\n', 'r3\n']);
    const stream = new ExportDocumentStream({ ...FRAME, prologue: '' });
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    await pipeline(Readable.from([input]), stream);
    expect(Buffer.concat(out).toString()).toBe('r1\nr2\nr3\n<tail rows="3">');
    expect(out[0].buffer).toBe(input.buffer);
  });

  it('writes at most one chunk per input chunk, not one per row', async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `row ${i}\n`);
    const { pushes, rows } = await run(chunked(binaryCopy(many), 16 * 1024));
    expect(rows).toBe(5_000);
    expect(pushes).toBeLessThanOrEqual(Math.ceil(binaryCopy(many).length / (16 * 1024)) + 1);
  });

  it('fails when the stream ends before the COPY trailer (a cut-off export)', async () => {
    // Each run gets its own bytes: the stream rearranges the chunks it is given in place.
    const whole = () => binaryCopy(VALUES);
    await expect(run([whole().subarray(0, whole().length - 2)])).rejects.toThrow(/ended before/);
    await expect(run([whole().subarray(0, 100)])).rejects.toThrow(/ended before/);
  });

  it('refuses what is not a one-column binary COPY of non-null values', async () => {
    await expect(run([Buffer.from('code\tlink\n')])).rejects.toThrow(/Not a binary COPY/);
    await expect(run([binaryCopy(['a', null])])).rejects.toThrow(/NULL/);
    const twoColumns = binaryCopy(['ab']);
    twoColumns.writeInt16BE(2, 19);
    await expect(run([twoColumns])).rejects.toThrow(/one column/);
    const extra = Buffer.concat([binaryCopy(['a']), Buffer.from('junk')]);
    await expect(run([extra])).rejects.toThrow(/after the end/);
  });
});
