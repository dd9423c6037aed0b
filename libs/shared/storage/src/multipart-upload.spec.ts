import { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MultipartUpload } from './multipart-upload';
import { unsignedUploadPayloads } from './object-storage.service';

interface Sent {
  method: string;
  query: Record<string, unknown>;
  payloadHash: string | undefined;
  body: Buffer;
}

/** An S3Client whose requests are answered here, as S3 would, and recorded in `sent`. */
function fakeStore(options: { failPart?: number } = {}): { client: S3Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://store.invalid',
    forcePathStyle: true,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: {
        method: string;
        query: Record<string, unknown>;
        headers: Record<string, string>;
        body?: unknown;
      }) => {
        const body = Buffer.isBuffer(request.body)
          ? Buffer.from(request.body)
          : request.body instanceof Uint8Array
            ? Buffer.from(request.body)
            : Buffer.from(String(request.body ?? ''));
        sent.push({
          method: request.method,
          query: { ...request.query },
          payloadHash: request.headers['x-amz-content-sha256'],
          body,
        });
        const part = Number(request.query.partNumber);
        const failed = options.failPart !== undefined && part === options.failPart;
        const xml =
          'uploads' in request.query
            ? '<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>'
            : request.method === 'POST'
              ? '<CompleteMultipartUploadResult><ETag>"all"</ETag></CompleteMultipartUploadResult>'
              : '';
        return {
          response: {
            statusCode: failed ? 500 : 200,
            reason: failed ? 'Internal Server Error' : 'OK',
            headers: failed ? {} : { etag: `"etag-${part || 'put'}"` },
            body: Readable.from([
              Buffer.from(failed ? '<Error><Code>InternalError</Code></Error>' : xml),
            ]),
          },
        };
      },
    } as never,
  });
  return { client, sent };
}

function upload(client: S3Client, partSize: number): MultipartUpload {
  return new MultipartUpload({
    client,
    bucket: 'b',
    key: 'k',
    contentType: 'text/csv',
    partSize,
    queueSize: 2,
  });
}

/** `total` bytes of text in chunks of awkward sizes, as a Readable, and the bytes themselves. */
function source(total: number): { stream: Readable; bytes: Buffer } {
  const bytes = Buffer.from(
    Array.from({ length: total }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join(''),
  );
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < total; at += size, size = (size * 3 + 1) % 997) {
    chunks.push(bytes.subarray(at, at + size));
  }
  return { stream: Readable.from(chunks), bytes };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('MultipartUpload', () => {
  it('sends full parts in order, completes with their ETags and hashes every byte once', async () => {
    const { client, sent } = fakeStore();
    const { stream, bytes } = source(10_500);

    const result = await upload(client, 1_000).run(stream);

    expect(result).toEqual({ size: 10_500, checksum: sha256(bytes) });
    const parts = sent.filter((s) => s.query.partNumber !== undefined);
    expect(parts.map((p) => p.body.length)).toEqual([...Array(10).fill(1_000), 500]);
    expect(Buffer.concat(parts.map((p) => p.body))).toEqual(bytes);
    const complete = sent.find((s) => s.method === 'POST' && s.query.uploadId === 'up-1');
    const listed = complete?.body.toString('utf8') ?? '';
    expect(listed.match(/<PartNumber>/g)).toHaveLength(11);
    expect(listed).toContain('<ETag>&quot;etag-11&quot;</ETag><PartNumber>11</PartNumber>');
  });

  it('holds at most queueSize + 1 part buffers, reusing a part once it is stored', async () => {
    const allocate = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const { client } = fakeStore();
    await upload(client, 1_000).run(source(20_000).stream);
    expect(allocate.mock.calls.filter(([size]) => size === 1_000).length).toBeLessThanOrEqual(3);
    allocate.mockRestore();
  });

  it('sends a body shorter than one part with one PUT', async () => {
    const { client, sent } = fakeStore();
    const result = await upload(client, 1_000).run(Readable.from(['abc', 'def']));
    expect(result).toEqual({ size: 6, checksum: sha256(Buffer.from('abcdef')) });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'PUT', body: Buffer.from('abcdef') });
    expect(sent[0].query).toEqual({ 'x-id': 'PutObject' });
  });

  it('fails with the store error, destroys the source and says which upload to abort', async () => {
    const { client } = fakeStore({ failPart: 2 });
    const { stream } = source(10_500);
    const uploader = upload(client, 1_000);
    await expect(uploader.run(stream)).rejects.toThrow();
    expect(stream.destroyed).toBe(true);
    expect(uploader.uploadId).toBe('up-1');
  });
});

describe('unsignedUploadPayloads', () => {
  it('sends upload bodies as UNSIGNED-PAYLOAD; other requests and plain clients keep their hash', async () => {
    const unsigned = fakeStore();
    unsignedUploadPayloads(unsigned.client);
    await upload(unsigned.client, 1_000).run(source(2_500).stream);
    const parts = unsigned.sent.filter((s) => s.query.partNumber !== undefined);
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.payloadHash === 'UNSIGNED-PAYLOAD')).toBe(true);
    const complete = unsigned.sent.find((s) => s.method === 'POST' && s.query.uploadId);
    expect(complete?.payloadHash).toBe(sha256(complete?.body ?? Buffer.alloc(0)));

    const signed = fakeStore();
    await upload(signed.client, 1_000).run(source(2_500).stream);
    const signedParts = signed.sent.filter((s) => s.query.partNumber !== undefined);
    expect(signedParts.map((p) => p.payloadHash)).toEqual(signedParts.map((p) => sha256(p.body)));
  });
});
