import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';

/** s3rver accepts exactly this key pair. */
export const LOCAL_S3_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
} as const;

export interface LocalS3Options {
  /** 0 picks a free port; the one chosen is in the returned endpoint. */
  port: number;
  /** Where s3rver keeps buckets and objects; created if missing. */
  directory: string;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** How long s3rver may take to listen; default 20 s (a loaded machine may need more). */
  startTimeoutMs?: number;
}

export interface LocalS3 {
  /** e.g. `http://127.0.0.1:4569`; use with `forcePathStyle: true`. */
  endpoint: string;
  /** The s3rver child process (e.g. to read its CPU time in /proc). */
  pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const LISTENING = /S3rver listening on (\S+):(\d+)/;

/**
 * Starts s3rver as a child process (for the dev start script and integration / e2e tests) and
 * resolves once it accepts connections. It runs with `--openssl-legacy-provider`, which its
 * ListObjectsV2 continuation tokens need on current Node.js.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '--directory',
      options.directory,
      '--address',
      host,
      '--port',
      String(options.port),
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Never leave an orphan s3rver behind, even when the parent exits without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    const timeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
    const port = await waitForListening(child, timeoutMs);
    await waitForConnection(host, port, timeoutMs);
    const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
      endpoint,
      // Defined: the child printed that it is listening.
      pid: child.pid as number,
      stop: async () => {
        process.removeListener('exit', killOnExit);
        await stopChild(child);
      },
    };
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
}

/** s3rver prints `S3rver listening on <address>:<port>` (even with --silent) once bound. */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => finish(new Error(`s3rver did not start within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const onStdout = (chunk: Buffer): void => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match) finish(undefined, Number(match[2]));
    };
    const onStderr = (chunk: Buffer): void => {
      stderr += chunk.toString();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(
        new Error(`s3rver exited before listening (code ${code}, signal ${signal}): ${stderr}`),
      );
    };
    const onError = (error: Error): void => finish(error);
    function finish(error?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining both pipes so a chatty child can never block on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(port as number);
    }
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function waitForConnection(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`s3rver does not accept connections on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
