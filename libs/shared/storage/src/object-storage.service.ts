import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import { constants as zlib, createGunzip, createGzip } from 'node:zlib';
import { ContentMeter } from './content-meter';
import { MultipartUpload } from './multipart-upload';
import { ObjectNotFoundError } from './object-not-found.exception';
import { StorageOptions } from './storage.config';

/** 8 MiB parts, two in flight: an upload holds at most ~3 parts (24 MiB) in memory at once. */
export const UPLOAD_PART_SIZE = 8 * 1024 * 1024;
export const UPLOAD_QUEUE_SIZE = 2;

/** How an object's bytes are stored: as they are, or gzip-compressed (`Content-Encoding: gzip`). */
export type ContentEncoding = 'identity' | 'gzip';

export interface UploadOptions {
  /**
   * `gzip`: the body is compressed on the way to the store and the object carries
   * `Content-Encoding: gzip`, so that HTTP clients reading it (a presigned URL, a browser)
   * decompress it themselves. `size` and `checksum` still describe the body as given.
   */
  contentEncoding?: ContentEncoding;
}

export interface UploadResult {
  /** Bytes of the body as given. */
  size: number;
  /** sha256 of the body as given, lowercase hex. */
  checksum: string;
  /** Bytes in the store: `size`, unless compressed. */
  storedSize: number;
}

export interface StoredObject {
  body: Readable;
  /** Bytes `body` yields, when known (not for an object decompressed on the way). */
  size?: number;
  contentType?: string;
  /** The coding of `body`'s bytes: `gzip` only when the object was read without decoding. */
  contentEncoding: ContentEncoding;
}

export interface ReadOptions {
  /** `false`: a compressed object's bytes as stored. Default: decompressed. */
  decode?: boolean;
}

/** One object of a listing. */
export interface ListedObject {
  key: string;
  lastModified: Date;
}

export interface PresignOptions {
  /** Seconds the URL stays valid. */
  expiresIn: number;
  /** Suggested download name: sets `response-content-disposition: attachment; filename=...`. */
  filename?: string;
}

export interface PresignedPostRequest {
  /** The object the POST creates (and no other). */
  key: string;
  /** The Content-Type the client must send. */
  contentType: string;
  /** The largest body accepted (content-length-range 1..maxBytes). */
  maxBytes: number;
  /** Seconds the policy stays valid. */
  expiresIn: number;
  /** The status S3 answers a successful POST with (201: with an XML body). */
  successStatus: 200 | 201 | 204;
}

/** A browser-style upload: POST every field, then the file, as multipart/form-data to `url`. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/** What the store says of an object without reading it. */
export interface ObjectHead {
  size: number;
  contentType?: string;
}

/**
 * One bucket of an S3-compatible store. A plain class: in NestJS provide it with a factory
 * (`{ provide: ObjectStorage, useFactory: (config) => new ObjectStorage({...}), inject: [...] }`);
 * Nest calls `onModuleDestroy` on shutdown.
 */
export class ObjectStorage {
  private readonly logger = new Logger(ObjectStorage.name);
  private readonly client: S3Client;
  readonly bucket: string;
  private bucketReady: Promise<void> | undefined;

  constructor(options: StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
      },
      // Checksums only where an operation requires them. By default SDK v3 adds CRC32 flexible
      // checksums, sent for streamed bodies as aws-chunked framing, which S3-compatible servers
      // such as s3rver do not understand and store verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    if (options.endpoint === undefined || new URL(options.endpoint).protocol === 'https:') {
      unsignedUploadPayloads(this.client);
    }
  }

  /**
   * Creates the bucket unless it exists. Idempotent, and safe when several processes race:
   * losing the CreateBucket race is fine as long as the bucket is then reachable.
   */
  ensureBucket(): Promise<void> {
    // Once it exists it stays: later calls cost nothing (a failure is tried again next time).
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    if (await this.bucketExists()) return;
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const lostRace =
        error instanceof S3ServiceException &&
        (error.name === 'BucketAlreadyOwnedByYou' || error.name === 'BucketAlreadyExists');
      if (!lostRace) throw error;
      if (!(await this.bucketExists())) throw error;
    }
  }

  /**
   * Streams `body` to `key` with a multipart upload (a single PUT when it is under one part),
   * measuring its size and sha256 on the way through (`MultipartUpload`: one hash and one copy
   * per byte). On any failure, of the source or of the store, the multipart upload is aborted,
   * the source destroyed, and the first error rethrown; no object is left at `key`.
   *
   * With `contentEncoding: 'gzip'` the body is measured as given, then compressed (zlib's fastest
   * level, on libuv's thread pool) into the upload.
   */
  async upload(
    key: string,
    body: Readable,
    contentType: string,
    options: UploadOptions = {},
  ): Promise<UploadResult> {
    // The source's own error is the one worth reporting (not what its failure causes later).
    let sourceError: unknown;
    body.on('error', (error) => {
      sourceError ??= error;
    });
    const gzip = options.contentEncoding === 'gzip';
    const upload = new MultipartUpload({
      client: this.client,
      bucket: this.bucket,
      key,
      contentType,
      contentEncoding: gzip ? 'gzip' : undefined,
      partSize: UPLOAD_PART_SIZE,
      queueSize: UPLOAD_QUEUE_SIZE,
    });
    const meter = gzip ? new ContentMeter() : undefined;
    const stored = meter
      ? pipeline(
          body,
          meter,
          createGzip({ level: zlib.Z_BEST_SPEED, chunkSize: 64 * 1024 }),
          () => undefined,
        )
      : body;
    try {
      const { size, checksum } = await upload.run(stored);
      if (meter) return { size: meter.size, checksum: meter.checksum(), storedSize: size };
      return { size, checksum, storedSize: size };
    } catch (error) {
      if (upload.uploadId) await this.abortMultipartUpload(key, upload.uploadId);
      throw sourceError ?? error;
    }
  }

  /**
   * The object's content, decompressed on the way when it is stored gzip-compressed (unless
   * `decode: false`).
   * @throws ObjectNotFoundError when there is no such key.
   */
  async getStream(key: string, options: ReadOptions = {}): Promise<StoredObject> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      if (!(response.Body instanceof Readable)) {
        throw new Error(`Unexpected body type for ${key}: not a Node.js Readable`);
      }
      const stored = {
        body: response.Body,
        size: response.ContentLength,
        contentType: response.ContentType,
      };
      if (response.ContentEncoding !== 'gzip') return { ...stored, contentEncoding: 'identity' };
      if (options.decode === false) return { ...stored, contentEncoding: 'gzip' };
      return {
        body: pipeline(stored.body, createGunzip(), () => undefined),
        contentType: stored.contentType,
        contentEncoding: 'identity',
      };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Every object whose key starts with `prefix`, a page (at most `pageSize` objects) at a time,
   * in key order. Pages are fetched as they are consumed, so a huge bucket is never held at once.
   */
  async *list(prefix: string, pageSize = 1000): AsyncGenerator<ListedObject[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: pageSize,
          ContinuationToken: token,
        }),
      );
      const objects = (page.Contents ?? []).flatMap(({ Key, LastModified }) =>
        Key && LastModified ? [{ key: Key, lastModified: LastModified }] : [],
      );
      if (objects.length > 0) yield objects;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Removes `key`; removing a key that is not there is not an error. */
  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** A URL anyone can GET for `expiresIn` seconds, without credentials. */
  async presignedGetUrl(key: string, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition:
        options.filename === undefined ? undefined : attachmentDisposition(options.filename),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresIn });
  }

  /**
   * A presigned POST policy bound to one key, one Content-Type, a size range and a success status.
   * (S3 and MinIO enforce it; s3rver does not, so whoever reads the object checks it again.)
   */
  async presignedPost(request: PresignedPostRequest): Promise<PresignedPost> {
    const status = String(request.successStatus);
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: request.key,
      Fields: { 'Content-Type': request.contentType, success_action_status: status },
      Conditions: [
        ['content-length-range', 1, request.maxBytes],
        ['eq', '$Content-Type', request.contentType],
        ['eq', '$success_action_status', status],
      ],
      Expires: request.expiresIn,
    });
    return { url, fields };
  }

  /** The size and type of `key`, or null when there is no such object. */
  async head(key: string): Promise<ObjectHead | null> {
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return { size: response.ContentLength ?? 0, contentType: response.ContentType };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  close(): void {
    this.client.destroy();
  }

  onModuleDestroy(): void {
    this.close();
  }

  private async bucketExists(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Best effort: some S3-compatible servers (s3rver) do not implement AbortMultipartUpload. */
  private async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      this.logger.warn(
        `Could not abort multipart upload ${uploadId} of ${key}: ${(error as Error).message}`,
      );
    }
  }
}

/** The commands whose body is an upload's bytes. */
const UPLOAD_COMMANDS = new Set(['UploadPartCommand', 'PutObjectCommand']);

/**
 * SigV4 signs a request's payload by its sha256 (`x-amz-content-sha256`), a second pass over
 * every byte after the one `upload` makes for the object's checksum, and one that cannot be
 * shared with it (a part's hash is not a piece of the object's). Over HTTPS, TLS already
 * guarantees the bytes arrive as sent, so upload bodies go as `UNSIGNED-PAYLOAD` (which S3 and
 * MinIO accept, and the signer then leaves alone); the headers, key and query are still signed.
 * Over plain HTTP that signature is a part's only integrity check, so it stays.
 */
export function unsignedUploadPayloads(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (UPLOAD_COMMANDS.has(context.commandName ?? '') && request.headers) {
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'unsignedUploadPayloads' },
  );
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotFound' ||
      error.name === 'NoSuchKey' ||
      error.name === 'NoSuchBucket' ||
      error.$metadata.httpStatusCode === 404)
  );
}

/**
 * RFC 6266 `attachment` with an ASCII fallback `filename` and the exact name in RFC 5987
 * `filename*` (UTF-8, percent-encoded).
 */
function attachmentDisposition(filename: string): string {
  const wellFormed = filename.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  const fallback = wellFormed.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(wellFormed).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
