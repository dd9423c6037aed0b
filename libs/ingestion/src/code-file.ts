import { parse as parseCsv } from 'csv-parse';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { parser as jsonParser } from 'stream-json';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { CodeFileError } from './ingestion.exception';

export type CodeFileType = 'csv' | 'json';

/** At most 100 MB per file (the presigned POST's content-length-range; checked again here). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** The Content-Type a file of each type is uploaded with. */
export const FILE_CONTENT_TYPES: Record<CodeFileType, string> = {
  csv: 'text/csv',
  json: 'application/json',
};

/**
 * Rows handed on at a time: a batch is one write to the COPY stream. Small on purpose: a batch's
 * objects live until PostgreSQL has taken its write, and with 2,000 rows enough of them outlived
 * a scavenge to be promoted that V8 let the old space grow to ~90 MB of garbage (generator-worker
 * peak RSS 218 MB at 300,000 lines, 138 MB with 500 rows and the same speed within the noise of
 * bench:ingest).
 */
const BATCH_ROWS = 500;

/**
 * The rows of an uploaded file, parsed as it streams in, in batches: CSV with a header that has
 * an `id` column, or JSON, a top-level array of objects. The bytes must be UTF-8 (a BOM is
 * dropped) and at most MAX_FILE_BYTES; a file without a row is refused. Every problem with the
 * file itself is a `CodeFileError` with one clear message.
 */
export async function* parseCodeFile(
  body: Readable,
  type: CodeFileType,
): AsyncGenerator<Record<string, unknown>[]> {
  const text = body.pipe(new Utf8Text());
  body.on('error', (error) => text.destroy(error));
  const rows = type === 'csv' ? csvRows(text) : jsonRows(text);
  let batch: Record<string, unknown>[] = [];
  let count = 0;
  try {
    for await (const row of rows) {
      batch.push(row);
      count += 1;
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } finally {
    text.destroy();
    body.destroy();
  }
  if (batch.length > 0) yield batch;
  if (count === 0) throw new CodeFileError('The file has no codes.');
}

async function* csvRows(text: Readable): AsyncGenerator<Record<string, unknown>> {
  const csv = text.pipe(
    parseCsv({
      columns: (header: string[]) => {
        const names = header.map((name) => name.trim());
        if (!names.includes('id')) throw new CodeFileError('The CSV header has no "id" column.');
        return names;
      },
      skip_empty_lines: true,
    }),
  );
  text.on('error', (error) => csv.destroy(error));
  try {
    for await (const record of csv) yield record as Record<string, unknown>;
  } catch (error) {
    throw fileError(error, 'CSV');
  }
}

async function* jsonRows(text: Readable): AsyncGenerator<Record<string, unknown>> {
  const tokens = text.pipe(jsonParser());
  const items = tokens.pipe(streamArray());
  text.on('error', (error) => tokens.destroy(error));
  tokens.on('error', (error) => items.destroy(error));
  try {
    for await (const { value } of items as AsyncIterable<{ value: unknown }>) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new CodeFileError('The JSON file must be an array of objects (one per code).');
      }
      yield value as Record<string, unknown>;
    }
  } catch (error) {
    throw fileError(error, 'JSON');
  }
}

function fileError(error: unknown, format: string): Error {
  if (error instanceof CodeFileError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof CodeFileError) return cause;
  const message = (error as Error).message ?? String(error);
  if (/Top-level object should be an array/i.test(message)) {
    return new CodeFileError('The JSON file must be an array of objects (one per code).');
  }
  return new CodeFileError(`The file is not valid ${format}: ${message}`);
}

/** Bytes to text: refuses bytes that are not UTF-8 and files over MAX_FILE_BYTES. */
class Utf8Text extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private bytes = 0;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > MAX_FILE_BYTES) {
      callback(new CodeFileError('The file is larger than 100 MB.'));
      return;
    }
    this.decode(chunk, true, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes === 0) {
      callback(new CodeFileError('The file is empty.'));
      return;
    }
    this.decode(new Uint8Array(0), false, callback);
  }

  private decode(chunk: Uint8Array, stream: boolean, callback: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream });
    } catch {
      callback(new CodeFileError('The file is not valid UTF-8.'));
      return;
    }
    callback(null, text);
  }
}
