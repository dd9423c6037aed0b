import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CONTENT_BLOCK_SIZE, ContentMeter } from './content-meter';

async function meter(chunks: Buffer[]): Promise<{ meter: ContentMeter; blocks: Buffer[] }> {
  const meter = new ContentMeter();
  const blocks: Buffer[] = [];
  const sink = new Writable({
    write(block: Buffer, _encoding, callback) {
      blocks.push(Buffer.from(block));
      callback();
    },
  });
  await pipeline(Readable.from(chunks), meter, sink);
  return { meter, blocks };
}

describe('ContentMeter', () => {
  it('hands on every byte in order, in blocks of at least CONTENT_BLOCK_SIZE but the last', async () => {
    const chunks = Array.from({ length: 100 }, () => randomBytes(9_000));
    const { blocks } = await meter(chunks);

    expect(Buffer.concat(blocks)).toEqual(Buffer.concat(chunks));
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks.slice(0, -1)) {
      expect(block.length).toBeGreaterThanOrEqual(CONTENT_BLOCK_SIZE);
      expect(block.length).toBeLessThan(CONTENT_BLOCK_SIZE + 9_000);
    }
    expect(blocks.at(-1)!.length).toBeGreaterThan(0);
  });

  it('counts and hashes what passed', async () => {
    const chunks = Array.from({ length: 70 }, (_, i) => randomBytes(1 + i * 97));
    const all = Buffer.concat(chunks);
    const { meter: metered } = await meter(chunks);

    expect(metered.size).toBe(all.length);
    expect(metered.checksum()).toBe(createHash('sha256').update(all).digest('hex'));
  });

  it('passes a chunk larger than a block as it is, and nothing for no input', async () => {
    const large = randomBytes(CONTENT_BLOCK_SIZE * 2 + 1);
    expect((await meter([large])).blocks).toEqual([large]);

    const { meter: empty, blocks } = await meter([]);
    expect(blocks).toEqual([]);
    expect(empty.size).toBe(0);
    expect(empty.checksum()).toBe(createHash('sha256').digest('hex'));
  });
});
