import {
  CompleteMultipartUploadCommand,
  CompletedPart,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartUploadOptions {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  /** Stored as the object's `Content-Encoding` (the body is already coded so). */
  contentEncoding?: string;
  /** Bytes per part (every part but the last); S3 wants at least 5 MiB. */
  partSize: number;
  /** Parts being sent at once. */
  queueSize: number;
}

export interface MultipartUploadResult {
  size: number;
  /** sha256 of every byte stored, lowercase hex. */
  checksum: string;
}

/**
 * Streams `body` into one object with as little work per byte as the store allows: each byte is
 * hashed once (the whole object's sha256) and copied once, into a part buffer that is reused
 * once its part is stored. `queueSize + 1` buffers of `partSize` are all it ever holds (one
 * filling while `queueSize` are sent); a body shorter than one part is sent with one PUT.
 *
 * What it replaces, `@aws-sdk/lib-storage`'s `Upload`, gathers each part with `Buffer.concat`
 * into a new `partSize` buffer: at 8 MiB that is fresh memory the kernel must map and zero for
 * every part, which on a busy machine cost more than the copy itself (tools/bench/export.bench.ts).
 *
 * Unless told not to (`ObjectStorage` over HTTPS), the SDK hashes each part again to sign it.
 *
 * On failure `run` rejects with the first error, after destroying `body`; the caller aborts the
 * multipart upload, whose id `uploadId` holds once it was started.
 */
export class MultipartUpload {
  uploadId: string | undefined;
  private readonly hash = createHash('sha256');
  private size = 0;
  private readonly free: Buffer[] = [];
  private readonly parts: CompletedPart[] = [];
  private readonly sending = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly options: MultipartUploadOptions) {}

  async run(body: Readable): Promise<MultipartUploadResult> {
    try {
      let part = this.takeBuffer();
      let filled = 0;
      for await (const chunk of body as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        this.hash.update(bytes);
        this.size += bytes.length;
        let at = 0;
        while (at < bytes.length) {
          const copied = bytes.copy(part, filled, at);
          filled += copied;
          at += copied;
          if (filled === part.length) {
            await this.sendPart(part, filled);
            part = await this.nextBuffer();
            filled = 0;
          }
        }
        this.throwIfFailed();
      }
      if (this.uploadId === undefined) {
        await this.putWhole(part.subarray(0, filled));
      } else {
        if (filled > 0) await this.sendPart(part, filled);
        await Promise.all(this.sending);
        this.throwIfFailed();
        await this.complete();
      }
      return { size: this.size, checksum: this.hash.digest('hex') };
    } catch (error) {
      body.destroy();
      // Let the parts in flight settle, so that an abort after this is not raced by them.
      await Promise.allSettled(this.sending);
      throw this.failure ?? error;
    }
  }

  private takeBuffer(): Buffer {
    // Not zero-filled: only the `filled` bytes of a buffer are ever sent.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.options.partSize);
  }

  /** A buffer to fill next: a new one while fewer than queueSize parts are out, else a freed one. */
  private async nextBuffer(): Promise<Buffer> {
    while (this.sending.size >= this.options.queueSize && this.free.length === 0) {
      await Promise.race(this.sending);
      this.throwIfFailed();
    }
    return this.takeBuffer();
  }

  /** Starts sending `part[0, length)` as the next part; the buffer is freed once it is stored. */
  private async sendPart(part: Buffer, length: number): Promise<void> {
    const { client, bucket, key, contentType, contentEncoding } = this.options;
    if (this.uploadId === undefined) {
      const created = await client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: contentType,
          ContentEncoding: contentEncoding,
        }),
      );
      if (!created.UploadId) throw new Error(`No upload id for ${key}`);
      this.uploadId = created.UploadId;
    }
    const number = this.parts.length + 1;
    const entry: CompletedPart = { PartNumber: number };
    this.parts.push(entry);
    const command = new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: this.uploadId,
      PartNumber: number,
      Body: part.subarray(0, length),
      ContentLength: length,
    });
    const sent: Promise<void> = this.send(command)
      .then((answer) => {
        entry.ETag = answer.ETag;
        this.free.push(part);
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  private async putWhole(bytes: Buffer): Promise<void> {
    const { bucket, key, contentType, contentEncoding } = this.options;
    await this.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: contentType,
        ContentEncoding: contentEncoding,
      }),
    );
  }

  private async complete(): Promise<void> {
    const { client, bucket, key } = this.options;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
  }

  private send(command: UploadPartCommand | PutObjectCommand): Promise<{ ETag?: string }> {
    return this.options.client.send(command as UploadPartCommand);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
