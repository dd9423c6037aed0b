import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { LOCAL_S3_CREDENTIALS, LocalS3, startLocalS3 } from '@sid/shared/testing';
import { ObjectNotFoundError } from './object-not-found.exception';
import { ObjectStorage } from './object-storage.service';

const MiB = 1024 * 1024;

/** `total` random bytes in 64 KiB chunks, produced on demand; `sha256()` once it has ended. */
function randomSource(total: number, failAfter?: number) {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) {
        this.destroy(new Error('source broke midway'));
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(64 * 1024, total - sent));
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sentCommands<T>(spy: jest.SpyInstance, type: new (...args: never[]) => T): T[] {
  return spy.mock.calls.map(([command]) => command).filter((c): c is T => c instanceof type);
}

describe('ObjectStorage (against s3rver)', () => {
  let directory: string;
  let s3: LocalS3;
  let storage: ObjectStorage;
  const others: ObjectStorage[] = [];

  const storageFor = (bucket: string): ObjectStorage => {
    const created = new ObjectStorage({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket,
      ...LOCAL_S3_CREDENTIALS,
      forcePathStyle: true,
    });
    others.push(created);
    return created;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sid-storage-'));
    s3 = await startLocalS3({ port: 0, directory });
    storage = storageFor(`exports-${randomBytes(4).toString('hex')}`);
    await storage.ensureBucket();
  });

  afterAll(async () => {
    for (const each of others) each.close();
    await s3?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('ensureBucket is idempotent, including when two processes race to create it', async () => {
    const bucket = `race-${randomBytes(4).toString('hex')}`;
    const first = storageFor(bucket);
    const second = storageFor(bucket);

    await expect(
      first.upload('before', Readable.from([Buffer.from('x')]), 'text/plain'),
    ).rejects.toThrow();
    await Promise.all([first.ensureBucket(), second.ensureBucket()]);
    await first.ensureBucket();

    const stored = await second.upload('after', Readable.from([Buffer.from('abc')]), 'text/plain');
    expect(stored.size).toBe(3);
    expect(await first.exists('after')).toBe(true);
  });

  it('streams a 20 MiB body as a multipart upload and reads back the same bytes', async () => {
    const send = jest.spyOn(S3Client.prototype, 'send');
    const total = 20 * MiB + 12_345;
    const source = randomSource(total);

    const result = await storage.upload(
      'big/export.bin',
      source.stream,
      'application/octet-stream',
    );
    const expectedSha256 = source.sha256();

    expect(result).toEqual({ size: total, checksum: expectedSha256, storedSize: total });
    expect(sentCommands(send, UploadPartCommand)).toHaveLength(3);
    expect(sentCommands(send, CompleteMultipartUploadCommand)).toHaveLength(1);

    const stored = await storage.getStream('big/export.bin');
    expect(stored.size).toBe(total);
    expect(stored.contentType).toBe('application/octet-stream');
    expect(stored.contentEncoding).toBe('identity');
    expect(await sha256Of(stored.body)).toEqual({ sha256: expectedSha256, size: total });
  });

  it('stores a body gzip-compressed when asked, measured as given, and reads it back either way', async () => {
    const send = jest.spyOn(S3Client.prototype, 'send');
    const row = (i: number) => `${i},https://id.example.com/01/09506000134352/21/${i * 7919}\r\n`;
    const content = Buffer.from(Array.from({ length: 50_000 }, (_, i) => row(i)).join(''));
    const sha256 = createHash('sha256').update(content).digest('hex');

    const result = await storage.upload(
      'gzip/export.csv',
      Readable.from([content.subarray(0, 1000), content.subarray(1000)]),
      'text/csv',
      { contentEncoding: 'gzip' },
    );

    expect(result.size).toBe(content.length);
    expect(result.checksum).toBe(sha256);
    expect(result.storedSize).toBeLessThan(content.length / 4);
    expect(sentCommands(send, PutObjectCommand)[0].input.ContentEncoding).toBe('gzip');

    const raw = await storage.getStream('gzip/export.csv', { decode: false });
    expect(raw).toMatchObject({ contentEncoding: 'gzip', size: result.storedSize });
    expect(gunzipSync(await readAll(raw.body)).equals(content)).toBe(true);

    const decoded = await storage.getStream('gzip/export.csv');
    expect(decoded).toMatchObject({ contentEncoding: 'identity', contentType: 'text/csv' });
    expect(decoded.size).toBeUndefined();
    expect(await sha256Of(decoded.body)).toEqual({ sha256, size: content.length });

    // An HTTP client told `Content-Encoding: gzip` decompresses it itself.
    const response = await fetch(
      await storage.presignedGetUrl('gzip/export.csv', { expiresIn: 60 }),
    );
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });

  it('compresses a multipart upload too, and fails it whole when the source breaks midway', async () => {
    const send = jest.spyOn(S3Client.prototype, 'send');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // Random bytes do not compress: more than one part is stored.
    const source = randomSource(20 * MiB);
    const result = await storage.upload('gzip/big.bin', source.stream, 'application/octet-stream', {
      contentEncoding: 'gzip',
    });
    expect(result).toMatchObject({ size: 20 * MiB, checksum: source.sha256() });
    expect(sentCommands(send, CreateMultipartUploadCommand)[0].input.ContentEncoding).toBe('gzip');
    expect(sentCommands(send, UploadPartCommand).length).toBeGreaterThanOrEqual(3);
    expect(await sha256Of((await storage.getStream('gzip/big.bin')).body)).toEqual({
      sha256: result.checksum,
      size: 20 * MiB,
    });

    const broken = randomSource(20 * MiB, 12 * MiB);
    await expect(
      storage.upload('gzip/broken.bin', broken.stream, 'text/csv', { contentEncoding: 'gzip' }),
    ).rejects.toThrow('source broke midway');
    expect(sentCommands(send, AbortMultipartUploadCommand)).toHaveLength(1);
    expect(await storage.exists('gzip/broken.bin')).toBe(false);
  });

  it('hands out a presigned URL that serves the object as a named download', async () => {
    const content = `code,digital_link\r\nAbC,https://id.example.com/01/0/21/AbC\r\n`;
    await storage.upload('presigned/export.csv', Readable.from([content]), 'text/csv');

    const url = await storage.presignedGetUrl('presigned/export.csv', {
      expiresIn: 300,
      filename: 'réservation "PO-1".csv',
    });
    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(content);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="r_servation _PO-1_.csv"; filename*=UTF-8''r%C3%A9servation%20%22PO-1%22.csv`,
    );
  });

  it('presigned URLs stop working once expired', async () => {
    await storage.upload('presigned/short.csv', Readable.from(['a\r\n']), 'text/csv');
    const url = await storage.presignedGetUrl('presigned/short.csv', { expiresIn: 1 });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('1');
    expect(new URL(url).searchParams.has('response-content-disposition')).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, 2_100));

    // s3rver does not verify SigV4 signatures, but it does enforce X-Amz-Expires.
    expect((await fetch(url)).status).toBe(403);
  });

  it('rejects with the source error and leaves no object when the source fails midway', async () => {
    const send = jest.spyOn(S3Client.prototype, 'send');
    // s3rver does not implement AbortMultipartUpload: the failed abort is only logged.
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const source = randomSource(20 * MiB, 12 * MiB);

    await expect(storage.upload('broken/export.csv', source.stream, 'text/csv')).rejects.toThrow(
      'source broke midway',
    );

    expect(sentCommands(send, UploadPartCommand).length).toBeGreaterThanOrEqual(1);
    expect(sentCommands(send, AbortMultipartUploadCommand)).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Could not abort multipart upload'));
    expect(sentCommands(send, CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(await storage.exists('broken/export.csv')).toBe(false);
  });

  it('destroys the source when the store refuses the upload', async () => {
    const missingBucket = storageFor(`missing-${randomBytes(4).toString('hex')}`);
    const source = randomSource(1 * MiB);

    await expect(missingBucket.upload('x.csv', source.stream, 'text/csv')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    expect(source.stream.destroyed).toBe(true);
  });

  it('deletes idempotently and reports missing keys', async () => {
    await storage.upload('to-delete.json', Readable.from(['{}']), 'application/json');
    expect(await storage.exists('to-delete.json')).toBe(true);

    await storage.delete('to-delete.json');
    await storage.delete('to-delete.json');

    expect(await storage.exists('to-delete.json')).toBe(false);
    await expect(storage.getStream('to-delete.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('lists the objects under a prefix page by page, with when each was stored', async () => {
    const listed = storageFor(`list-${randomBytes(4).toString('hex')}`);
    await listed.ensureBucket();
    const before = Date.now() - 1000;
    const keys = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5'];
    for (const key of [...keys, 'b/1', 'a-not-under-a/1']) {
      await listed.upload(key, Readable.from([key]), 'text/plain');
    }

    const pages: string[][] = [];
    for await (const page of listed.list('a/', 2)) {
      pages.push(page.map((object) => object.key));
      for (const object of page) {
        expect(object.lastModified.getTime()).toBeGreaterThanOrEqual(before);
        expect(object.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      }
    }

    expect(pages).toEqual([['a/1', 'a/2'], ['a/3', 'a/4'], ['a/5']]);
    const none: unknown[] = [];
    for await (const page of listed.list('nothing/')) none.push(page);
    expect(none).toEqual([]);
  });
});
