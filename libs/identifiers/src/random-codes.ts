import { randomFillSync } from 'node:crypto';
import { InvalidIdentifierError } from './identifier.exception';

/** Anything that hands out random codes one at a time or in batches. */
export interface CodeGenerator {
  next(): string;
  batch(count: number): string[];
}

export interface RandomCodeGeneratorOptions {
  /** Alphabet of the first character only, e.g. '123456789' for numbers without a leading zero. */
  firstAlphabet?: string;
}

/** Random bytes are drawn this many at a time into one reused buffer. */
const POOL_BYTES = 64 * 1024;
/** A batch is built this many codes at a time (bounded memory, one latin1 decode per chunk). */
const CHUNK_CODES = 4096;
/** Marks a rejected byte in a lookup table; never a valid alphabet character (those are 0x21-0x7e). */
const REJECT = 0;

/**
 * Uniformly random codes from crypto randomness, without modulo bias.
 *
 * Each character costs one random byte b. With an alphabet of n characters, b is accepted only if
 * b < 256 - (256 % n) (the largest multiple of n that fits in a byte) and then maps to character
 * b % n, so every character has exactly the same number of accepted bytes behind it; a rejected
 * byte is simply skipped and the next one drawn. Both steps are folded into a 256-entry lookup
 * table (byte -> ASCII code, or REJECT), so the hot loop is one table read per byte.
 */
export class RandomCodeGenerator implements CodeGenerator {
  readonly alphabet: string;
  readonly firstAlphabet: string;
  readonly length: number;

  private readonly firstTable: Uint8Array;
  private readonly restTable: Uint8Array;
  private readonly pool = Buffer.allocUnsafeSlow(POOL_BYTES);
  private poolPos = POOL_BYTES;
  private readonly single: Buffer;
  private chunk: Buffer | undefined;

  constructor(alphabet: string, length: number, opts: RandomCodeGeneratorOptions = {}) {
    if (!Number.isSafeInteger(length) || length < 1) {
      throw new InvalidIdentifierError(
        `Code length must be a positive integer, got ${length}`,
        'length',
      );
    }
    this.alphabet = alphabet;
    this.firstAlphabet = opts.firstAlphabet ?? alphabet;
    this.length = length;
    this.restTable = lookupTable(alphabet, 'alphabet');
    this.firstTable =
      opts.firstAlphabet === undefined
        ? this.restTable
        : lookupTable(opts.firstAlphabet, 'firstAlphabet');
    this.single = Buffer.allocUnsafe(length);
  }

  next(): string {
    this.fill(this.single, 1);
    return this.single.toString('latin1', 0, this.length);
  }

  batch(count: number): string[] {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new InvalidIdentifierError(
        `Batch size must be a non-negative integer, got ${count}`,
        'quantity',
      );
    }
    const len = this.length;
    const codes = new Array<string>(count);
    const chunk = (this.chunk ??= Buffer.allocUnsafeSlow(CHUNK_CODES * len));
    for (let done = 0; done < count;) {
      const n = Math.min(CHUNK_CODES, count - done);
      this.fill(chunk, n);
      const text = chunk.toString('latin1', 0, n * len);
      for (let i = 0, at = 0; i < n; i++, at += len) {
        codes[done + i] = text.substring(at, at + len);
      }
      done += n;
    }
    return codes;
  }

  /** Writes `count` codes of ASCII bytes back to back into the start of `out`. */
  private fill(out: Buffer, count: number): void {
    const pool = this.pool;
    const first = this.firstTable;
    const rest = this.restTable;
    const len = this.length;
    let pos = this.poolPos;
    let c = 0;
    for (let code = 0, o = 0; code < count; code++) {
      for (let k = 0; k < len; k++, o++) {
        const table = k === 0 ? first : rest;
        do {
          if (pos === POOL_BYTES) {
            randomFillSync(pool);
            pos = 0;
          }
          c = table[pool[pos++]];
        } while (c === REJECT);
        out[o] = c;
      }
    }
    this.poolPos = pos;
  }
}

/** byte -> ASCII code of alphabet[byte % n] if byte < 256 - 256 % n, else REJECT. */
function lookupTable(alphabet: string, field: string): Uint8Array {
  const n = alphabet.length;
  if (n === 0) {
    throw new InvalidIdentifierError(`The ${field} must not be empty`, field);
  }
  for (let i = 0; i < n; i++) {
    const code = alphabet.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) {
      throw new InvalidIdentifierError(
        `The ${field} may contain only printable ASCII characters, not ${JSON.stringify(alphabet[i])}`,
        field,
      );
    }
    if (alphabet.indexOf(alphabet[i]) !== i) {
      throw new InvalidIdentifierError(
        `The ${field} repeats the character "${alphabet[i]}", which would bias the codes`,
        field,
      );
    }
  }
  const limit = 256 - (256 % n);
  const table = new Uint8Array(256).fill(REJECT);
  for (let b = 0; b < limit; b++) table[b] = alphabet.charCodeAt(b % n);
  return table;
}
