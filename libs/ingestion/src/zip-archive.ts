import type { Archiver, ArchiverOptions } from 'archiver';

/**
 * archiver 7's factory. The installed @types/archiver describe archiver 8 (classes such as
 * `ZipArchive`); archiver 7 exports `archiver(format, options)`, whose instances are the same
 * `Archiver` those types describe.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const archiver = require('archiver') as (format: 'zip', options?: ArchiverOptions) => Archiver;

export function zipArchive(): Archiver {
  return archiver('zip', { zlib: { level: 6 } });
}
