import { Transform, TransformCallback } from 'node:stream';
import { ExportRow } from './export-row';

/**
 * Turns batches of rows (`ExportRow[]`, object mode) into the bytes of one document.
 *
 * The prologue goes out with the first batch, or in flush when no batch came, and the epilogue in
 * flush: an export with no rows is still a valid document. Each batch becomes one chunk, so memory
 * is bounded by the batch size; the writable side buffers at most one batch before it applies
 * backpressure.
 */
export abstract class ExportSerializer extends Transform {
  private started = false;

  constructor() {
    super({ writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 1 });
  }

  protected abstract prologue(): string;
  /** Called only with non-empty batches, after the prologue. */
  protected abstract serializeRows(rows: readonly ExportRow[]): string;
  protected abstract epilogue(): string;

  override _transform(
    chunk: unknown,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    if (!Array.isArray(chunk)) {
      callback(new TypeError('An export serializer takes batches of rows (ExportRow[])'));
      return;
    }
    try {
      const out = this.start() + (chunk.length > 0 ? this.serializeRows(chunk) : '');
      if (out.length > 0) this.push(out);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.push(this.start() + this.epilogue());
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.prologue();
  }
}
