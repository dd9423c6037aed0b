import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runMigrations } from '@sid/shared/database';
import { redisConnectionOptions } from '@sid/shared/queue';
import { LOCAL_S3_CREDENTIALS, LocalS3, startLocalS3 } from '@sid/shared/testing';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { BenchBuild, buildApps } from '../bench/bench-build';
import { freePort, ROOT, sleep } from '../bench/bench-processes';

export type WorkerApp = 'generator-worker' | 'reservation-worker' | 'export-worker';
export const WORKER_APPS: readonly WorkerApp[] = [
  'generator-worker',
  'reservation-worker',
  'export-worker',
];

/** One running app: its slot name (`export-worker#2`), process, and readiness. */
export interface RunningApp {
  slot: string;
  app: string;
  child: ChildProcess;
  /** Resolves once the app printed its ready line. */
  ready: Promise<void>;
  isReady(): boolean;
  exited: Promise<void>;
}

/**
 * The real system as processes, as an operator runs it: an s3rver, the gateway, and two of each
 * worker, against a database and a Redis key prefix of the run's own. Every process logs to
 * `<dir>/<slot>.<n>.log`. `kill` is SIGKILL; `restart` starts a replacement in the same slot.
 */
export class ChaosSystem {
  readonly token = `chaos-${Date.now().toString(36)}-admin-token`;
  readonly prefix = `chaos-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  readonly bucket = 'chaos-exports';
  readonly apps = new Map<string, RunningApp>();
  db!: TestDatabase;
  port = 0;
  s3Port = 0;
  private s3: LocalS3 | undefined;
  private build: BenchBuild | undefined;
  private starts = 0;

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 's3'), { recursive: true });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get s3Endpoint(): string {
    return `http://127.0.0.1:${this.s3Port}`;
  }

  env(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      // Every client of the run is one address (127.0.0.1): production's per-address limiter
      // would answer most of the workload with 429s instead of letting it reach the workers.
      RATE_LIMITER_ENABLED: 'false',
      DATABASE_URL: this.db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: this.prefix,
      S3_ENDPOINT: this.s3Endpoint,
      S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ADMIN_EMAIL: 'chaos@example.com',
      ADMIN_TOKEN: this.token,
      LINK_DOMAIN: 'id.chaos.example',
      PORT: String(this.port),
      // Production values, except that lost work is looked for every 5 s (not 60 s) and that a
      // silent worker's job moves on after 10 s (not 30 s), so that a run settles in minutes.
      RECOVERY_INTERVAL_MS: '5000',
      QUEUE_LOCK_DURATION_MS: '10000',
      GENERATOR_CHUNK_SIZE: '25000',
      RESERVATION_BATCH_SIZE: '1000',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  async start(): Promise<void> {
    // Compiled, as the images run them: a replacement is up in a second or two, where
    // @swc-node/register needs tens of seconds on a busy machine.
    this.build = await buildApps(`chaos-build-${this.prefix}`);
    this.db = await createTestDatabase('chaos');
    await runMigrations(this.db.url);
    this.port = await freePort();
    this.s3Port = await freePort();
    await this.startS3();
    await Promise.all([
      this.launch('api-gateway', 'api-gateway').ready,
      ...WORKER_APPS.flatMap((app) => [1, 2].map((n) => this.launch(`${app}#${n}`, app).ready)),
    ]);
  }

  /** (Re)starts s3rver on the run's port; tried a few times, as a busy machine may be slow. */
  async startS3(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.s3 = await startLocalS3({
          port: this.s3Port,
          directory: join(this.dir, 's3'),
          startTimeoutMs: 120_000,
        });
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        console.error(`[chaos] s3rver did not start (attempt ${attempt}), again: ${String(error)}`);
      }
    }
  }

  get s3Running(): boolean {
    return this.s3 !== undefined;
  }

  /** The worker slots whose process is up and ready (a SIGKILL target). */
  readySlots(): string[] {
    return this.workerSlots().filter((slot) => this.apps.get(slot)?.isReady());
  }

  async stopS3(): Promise<void> {
    await this.s3?.stop();
    this.s3 = undefined;
  }

  workerSlots(): string[] {
    return [...this.apps.keys()].filter((slot) => slot !== 'api-gateway');
  }

  /** SIGKILL, as a machine or the kernel's OOM killer would; resolves once it is gone. */
  async kill(slot: string): Promise<void> {
    const running = this.apps.get(slot);
    if (!running) return;
    this.killed.add(running.child);
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
    }
    await running.exited;
  }

  /** Starts a replacement in `slot`; resolves with how long it took to be ready (ms). */
  async restart(slot: string): Promise<number> {
    const app = this.apps.get(slot)?.app ?? slot.replace(/#\d+$/, '');
    const started = Date.now();
    await this.launch(slot, app).ready;
    return Date.now() - started;
  }

  /** The log file of every process the run started. */
  logFiles(): string[] {
    return this.logs;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.apps.values()].map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await this.stopS3();
    rmSync(join(this.dir, 's3'), { recursive: true, force: true });
    await this.build?.remove();
  }

  /** Deletes the run's Redis keys. */
  clearQueues(): Promise<number> {
    return deletePrefix(this.prefix);
  }

  private readonly logs: string[] = [];
  /** Processes that exited without being killed: each a finding (the slot is restarted). */
  readonly unexpectedExits: string[] = [];
  private readonly killed = new Set<ChildProcess>();
  private stopping = false;

  private launch(slot: string, app: string): RunningApp {
    const log = join(this.dir, `${slot.replace('#', '-')}.${++this.starts}.log`);
    this.logs.push(log);
    const out = createWriteStream(log);
    const main = join(this.build?.dir ?? '', 'apps', app, 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env(),
        LOG_LEVEL: app === 'api-gateway' ? 'warn' : 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        process.removeListener('exit', killOnExit);
        resolve();
        if (this.stopping || this.killed.has(child)) return;
        // As Kubernetes would: note it, and start another.
        this.unexpectedExits.push(
          `${slot} (pid ${child.pid}) exited by itself (${signal ?? code}); see ${log}`,
        );
        console.error(`[chaos] ${slot} exited by itself (${signal ?? code}); restarting it`);
        if (this.apps.get(slot)?.child === child && this.unexpectedExits.length < 50)
          this.launch(slot, app);
      }),
    );
    const readyLine = app === 'api-gateway' ? /listening on/ : new RegExp(`${app} started`);
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        out.write(chunk);
        seen = (seen + chunk.toString()).slice(-4000);
        if (readyLine.test(seen)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`${slot} exited (${signal ?? code}) before it was ready; see ${log}`)),
      );
      // Generous: on a machine shared with other runs, loading the modules alone can take minutes.
      setTimeout(() => reject(new Error(`${slot} not ready after 300 s; see ${log}`)), 300_000);
    });
    let readyNow = false;
    ready.then(
      () => (readyNow = true),
      () => undefined,
    );
    const running = { slot, app, child, ready, exited, isReady: () => readyNow };
    this.apps.set(slot, running);
    return running;
  }
}

/** Waits until `url` answers 2xx; resolves with the wait (ms). */
export async function untilAnswers(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    // A slow answer is an answer: on a loaded machine a read may take seconds.
    const ok = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** FLUSHALL, for this run only: the machine's Redis is shared, so only the run's keys go. */
export async function deletePrefix(prefix: string): Promise<number> {
  const redis = new Redis(
    redisConnectionOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
  );
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
