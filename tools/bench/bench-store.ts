import { join } from 'node:path';
import { StorageOptions } from '@sid/shared/storage';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '@sid/shared/testing';

/** Where a bench's exports go: a local s3rver started here, or the store at BENCH_S3_ENDPOINT. */
export interface BenchStore {
  /** `s3rver`, or the external endpoint. */
  name: string;
  options: Omit<StorageOptions, 'bucket'>;
  /** The store's process when it runs here (s3rver), for its CPU time; unknown otherwise. */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * s3rver as a child process keeping its files under `dir` (the default), or the S3-compatible
 * store at BENCH_S3_ENDPOINT (MinIO or S3 on other cores or another host, the way production
 * runs) with the S3_* settings the apps use: S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION,
 * S3_FORCE_PATH_STYLE.
 */
export async function startStore(dir: string): Promise<BenchStore> {
  const endpoint = process.env.BENCH_S3_ENDPOINT;
  if (!endpoint) {
    const s3 = await startLocalS3({ port: 0, directory: join(dir, 's3') });
    return {
      name: 's3rver',
      options: {
        endpoint: s3.endpoint,
        region: 'us-east-1',
        ...LOCAL_S3_CREDENTIALS,
        forcePathStyle: true,
      },
      pid: s3.pid,
      stop: () => s3.stop(),
    };
  }
  const { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = process.env;
  if (!S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) {
    throw new Error('BENCH_S3_ENDPOINT needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  }
  return {
    name: endpoint,
    options: {
      endpoint,
      region: process.env.S3_REGION ?? 'us-east-1',
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: S3_SECRET_ACCESS_KEY,
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== 'false',
    },
    stop: async () => undefined,
  };
}

/** The environment variables the apps read the store from. */
export function storeEnv(store: BenchStore, bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: store.options.endpoint ?? '',
    S3_BUCKET: bucket,
    S3_REGION: store.options.region,
    S3_ACCESS_KEY_ID: store.options.accessKeyId,
    S3_SECRET_ACCESS_KEY: store.options.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(store.options.forcePathStyle),
  };
}
