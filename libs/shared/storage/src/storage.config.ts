/** Where exports (and any other blobs) are kept: any S3-compatible store (AWS S3, MinIO, s3rver). */
export interface StorageOptions {
  /** e.g. `http://127.0.0.1:4569` for s3rver or MinIO; leave undefined for AWS S3. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `true` for s3rver / MinIO (`http://host/bucket/key`), `false` for virtual-hosted AWS S3. */
  forcePathStyle: boolean;
}
