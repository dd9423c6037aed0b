import { Transform, TransformCallback } from 'node:stream';
import { ExportFrame } from './formats';

/** `PGCOPY\n\xff\r\n\0`, then a 32-bit flags field and a 32-bit header extension length. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_LENGTH = SIGNATURE.length + 8;

/**
 * Turns PostgreSQL's binary COPY output of ONE text column (each value a serialized row, see
 * `exportRowsCopy`) into the bytes of the document: the prologue, every value's bytes as they
 * are, the epilogue. Values are never decoded into strings, and each input chunk becomes at most
 * one output chunk, a view of that chunk with the row headers squeezed out (no copy to a new
 * buffer), so memory stays at a chunk or two whatever the size of the export; a row split across
 * chunks waits in a small carry buffer. `rows` counts the rows written.
 *
 * Binary COPY: the header, then per row a 16-bit field count (-1 ends the data) and per field a
 * 32-bit length (-1 for NULL) followed by that many bytes.
 */
export class ExportDocumentStream extends Transform {
  rows = 0;
  private carry: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private ended = false;

  constructor(private readonly frame: ExportFrame) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const out = this.decode(this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk);
      if (out) this.push(out);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.ended || this.carry.length > 0) {
      callback(new Error('The COPY output ended before its trailer: the export is incomplete'));
      return;
    }
    // An export with no rows still is one document.
    this.push((this.rows === 0 ? this.frame.prologue : '') + this.frame.epilogue(this.rows));
    callback();
  }

  /**
   * Consumes what it can of `data`, keeps the rest in `carry`; returns the bytes to write.
   * The values are moved down over the row headers inside `data` itself (never forward, so
   * nothing unread is overwritten): the output is a view of the input chunk, not a new buffer.
   * The chunk is this stream's to change: COPY hands over each chunk once.
   */
  private decode(data: Buffer): Buffer | null {
    let at = 0;
    if (!this.headerDone) {
      const signature = data.subarray(0, Math.min(data.length, SIGNATURE.length));
      if (!signature.equals(SIGNATURE.subarray(0, signature.length))) {
        throw new Error('Not a binary COPY stream');
      }
      if (data.length < HEADER_LENGTH) return this.keep(data, at, null);
      const extension = data.readUInt32BE(SIGNATURE.length + 4);
      if (data.length < HEADER_LENGTH + extension) return this.keep(data, at, null);
      at = HEADER_LENGTH + extension;
      this.headerDone = true;
    }
    const first = this.rows === 0;
    let out = -1;
    let end = 0;
    while (!this.ended) {
      if (data.length - at < 2) break;
      const fields = data.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== 1) throw new Error(`Expected one column per COPY row, got ${fields}`);
      if (data.length - at < 6) break;
      const length = data.readInt32BE(at + 2);
      if (length < 0) throw new Error('A serialized export row was NULL');
      if (data.length - at < 6 + length) break;
      const start = at + 6 + (this.rows === 0 ? this.frame.firstRowSkip : 0);
      const stop = at + 6 + length;
      if (out < 0) out = end = start;
      else if (start !== end) data.copy(data, end, start, stop);
      end += stop - start;
      this.rows++;
      at = stop;
    }
    if (this.ended && at < data.length) throw new Error('Data after the end of the COPY stream');
    let written = out < 0 ? null : data.subarray(out, end);
    if (first && written) written = Buffer.concat([Buffer.from(this.frame.prologue), written]);
    return this.keep(data, at, written);
  }

  private keep(data: Buffer, at: number, written: Buffer | null): Buffer | null {
    // Copied: a subarray would pin the whole (large) input chunk.
    this.carry = at < data.length ? Buffer.from(data.subarray(at)) : Buffer.alloc(0);
    return written;
  }
}
