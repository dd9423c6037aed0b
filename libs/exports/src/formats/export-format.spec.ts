import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CsvSerializer } from './csv.serializer';
import {
  EXPORT_CONTENT_TYPES,
  EXPORT_EXTENSIONS,
  EXPORT_TYPES,
  ExportType,
  createExportSerializer,
  isExportType,
} from './export-format';
import { ExportRow } from './export-row';
import { NASTY_META, plainRow, serialize } from './export-row.fixtures';
import { JsonSerializer } from './json.serializer';
import { XmlSerializer } from './xml.serializer';

const MiB = 1024 * 1024;

/** `global.gc` when node runs with --expose-gc; otherwise switch the flag on and fetch it. */
function obtainGc(): (() => void) | undefined {
  if (typeof global.gc === 'function') return () => global.gc?.();
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => gc() : undefined;
  } catch {
    return undefined;
  }
}

describe('createExportSerializer', () => {
  it.each([
    ['csv', CsvSerializer],
    ['json', JsonSerializer],
    ['xml', XmlSerializer],
  ] as const)('makes a %s serializer', (type, serializerClass) => {
    expect(createExportSerializer(type, NASTY_META)).toBeInstanceOf(serializerClass);
  });

  it('rejects an unknown type', () => {
    expect(() => createExportSerializer('xlsx' as ExportType, NASTY_META)).toThrow(
      'Unknown export type: xlsx',
    );
  });

  it('knows the content type and extension of each type', () => {
    expect(EXPORT_TYPES).toEqual(['csv', 'json', 'xml']);
    expect(EXPORT_CONTENT_TYPES).toEqual({
      csv: 'text/csv; charset=utf-8',
      json: 'application/json',
      xml: 'application/xml',
    });
    expect(EXPORT_EXTENSIONS).toEqual({ csv: 'csv', json: 'json', xml: 'xml' });
    expect(isExportType('xml')).toBe(true);
    expect(isExportType('XML')).toBe(false);
    expect(isExportType(undefined)).toBe(false);
  });

  it('fails the stream when given something other than a batch of rows', async () => {
    const single = plainRow(1) as unknown as ExportRow[];
    await expect(serialize(createExportSerializer('csv', NASTY_META), [single])).rejects.toThrow(
      'An export serializer takes batches of rows (ExportRow[])',
    );
  });
});

describe('streaming 1,000,000 rows', () => {
  const ROWS = 1_000_000;
  const BATCHES = 100;
  const BATCH_SIZE = ROWS / BATCHES;
  const gc = obtainGc();
  // Without a way to force GC, heapUsed also counts garbage not yet collected.
  const HEAP_LIMIT = gc ? 64 * MiB : 512 * MiB;
  const throughput: string[] = [];

  afterAll(() => {
    console.info(
      `Export serializer throughput (rows/s, incl. row generation):\n${throughput.join('\n')}`,
    );
  });

  /** Newlines in each document besides one per row: see the serializers' prologue and epilogue. */
  const EXTRA_LINES: Record<ExportType, number> = { csv: 1, json: 2, xml: 3 };

  it.each(EXPORT_TYPES)(
    '%s: streams in bounded memory and writes every row',
    async (type) => {
      gc?.();
      const baseline = process.memoryUsage().heapUsed;
      let peakGrowth = 0;
      const sample = (): void => {
        gc?.();
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
      };

      async function* batches(): AsyncGenerator<ExportRow[]> {
        for (let b = 0; b < BATCHES; b++) {
          const rows = new Array<ExportRow>(BATCH_SIZE);
          for (let i = 0; i < BATCH_SIZE; i++) rows[i] = plainRow(b * BATCH_SIZE + i);
          yield rows;
          if (b % 10 === 9) sample();
        }
      }
      let bytes = 0;
      let lines = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
          callback();
        },
      });
      const serializer = createExportSerializer(type, NASTY_META);

      const started = process.hrtime.bigint();
      await pipeline(Readable.from(batches()), serializer, sink);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      sample(); // the serializer is still referenced here: anything it kept would count

      throughput.push(
        `  ${type}: ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s, ` +
          `${(bytes / MiB).toFixed(0)} MiB in ${seconds.toFixed(2)} s, ` +
          `peak heap growth ${(peakGrowth / MiB).toFixed(1)} MiB${gc ? '' : ' (no forced GC)'}`,
      );
      expect(lines).toBe(ROWS + EXTRA_LINES[type]);
      expect(bytes).toBeGreaterThan(ROWS * 100);
      expect(peakGrowth).toBeLessThan(HEAP_LIMIT);
      expect(serializer.readableEnded).toBe(true);
    },
    120_000,
  );
});
