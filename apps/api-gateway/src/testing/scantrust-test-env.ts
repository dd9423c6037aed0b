import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { JobQueue, QueueName } from '@sid/shared/queue';
import {
  AppName,
  AppProcess,
  eventually,
  LocalS3,
  startApp,
  startLocalS3,
} from '@sid/shared/testing';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

export const GTIN = '09506000134352';
export const PRODUCT = `/01/${GTIN}`;

/** The gateway in-process, a local s3rver, and the workers as real processes on the same prefix. */
export interface ScantrustTestEnv {
  gateway: GatewayTestApp;
  http: ReturnType<typeof request>;
  db: DataSource;
  s3: LocalS3;
  /** Starts a worker against the suite's database, prefix and store. */
  start(name: AppName): Promise<AppProcess>;
  /** SIGKILLs every running process of that app, as a crashing machine would. */
  kill(name: AppName): Promise<void>;
  logs(): string;
  /** A new user of a new account (all permissions unless given) and its token. */
  user(permissions?: string[]): Promise<{ token: string; account: string }>;
  close(): Promise<void>;
}

export async function startScantrustTestEnv(label: string): Promise<ScantrustTestEnv> {
  const s3Directory = await mkdtemp(join(tmpdir(), `sid-${label}-s3-`));
  const s3 = await startLocalS3({ port: 0, directory: s3Directory });
  const bucket = `${label}-${randomBytes(4).toString('hex')}`;
  const gateway = await createGatewayTestApp(label, {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: bucket,
  });
  const http = request(gateway.app.getHttpServer());
  const apps: AppProcess[] = [];
  const env = {
    DATABASE_URL: gateway.db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: bucket,
    LINK_DOMAIN: 'id.test.example',
    QUEUE_LOCK_DURATION_MS: '3000',
    RECOVERY_INTERVAL_MS: '2000',
    LOG_LEVEL: 'warn',
    HEALTH_PORT: '0',
  };
  let users = 0;
  return {
    gateway,
    http,
    db: gateway.app.get(DataSource),
    s3,
    async start(name) {
      const app = await startApp(name, env);
      apps.push(app);
      return app;
    },
    async kill(name) {
      await Promise.all(apps.filter((app) => app.name === name).map((app) => app.kill()));
    },
    logs: () => apps.map((a) => `\n--- ${a.name}:\n${a.output().slice(-3000)}`).join(''),
    async user(permissions) {
      users += 1;
      const created = await http
        .post('/users')
        .set('Authorization', `Bearer ${gateway.adminToken}`)
        .send({
          email: `user${users}@${label}.example.com`,
          account_name: `Brand ${users}`,
          ...(permissions ? { permissions } : {}),
        })
        .expect(200);
      return { token: created.body.data.token, account: created.body.data.account };
    },
    async close() {
      await Promise.all(apps.map((app) => app.kill()));
      const queues = gateway.app.get(JobQueue);
      for (const name of Object.values(QueueName)) {
        await queues.queue(name).obliterate({ force: true });
      }
      await gateway.close();
      await s3.stop();
      await rm(s3Directory, { recursive: true, force: true });
    },
  };
}

/** The Scantrust client's steps: get-post-data, then the POST of every field and the file to S3. */
export async function uploadFile(
  http: ReturnType<typeof request>,
  token: string,
  filetype: 'csv' | 'json',
  content: string | Buffer,
): Promise<string> {
  const created = await http
    .post('/api/v2/ingestion/codes/upload/get-post-data/')
    .set('Authorization', `UAT ${token}`)
    .send({ filetype })
    .expect(201);
  const { post_data, record_key } = created.body;
  const form = new FormData();
  for (const [name, value] of Object.entries(post_data.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([content]), `codes.${filetype}`);
  const posted = await fetch(post_data.url, { method: 'POST', body: form });
  if (posted.status !== 201)
    throw new Error(`S3 POST answered ${posted.status}: ${await posted.text()}`);
  return record_key;
}

/** `process`, then the record once it is finished. */
export async function processFile(
  http: ReturnType<typeof request>,
  token: string,
  record: string,
  parameters: Record<string, unknown> = {},
  timeoutMs = 60_000,
): Promise<Record<string, unknown> & { status: string; result_data: Record<string, unknown> }> {
  await http
    .post('/api/v2/ingestion/codes/upload/process/')
    .set('Authorization', `UAT ${token}`)
    .send({ record, ...parameters })
    .expect(200);
  return finished(http, token, record, timeoutMs);
}

export async function finished(
  http: ReturnType<typeof request>,
  token: string,
  record: string,
  timeoutMs = 60_000,
) {
  return eventually(
    async () => {
      const { body } = await http
        .get(`/api/v2/ingestion/${record}/`)
        .set('Authorization', `UAT ${token}`)
        .expect(200);
      return body.status === 'completed' || body.status === 'error' ? body : undefined;
    },
    timeoutMs,
    `record ${record} to finish`,
  );
}
