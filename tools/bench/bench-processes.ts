import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root (this file is in tools/bench). */
export const ROOT = join(__dirname, '..', '..');

export interface AppProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  log: string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `apps/<app>/src/main.ts` the way an operator runs it from source
 * (`node -r @swc-node/register ...`), logging to `<logDir>/<name>.log`; with `build` (a
 * directory from `buildApps`), runs the compiled `apps/<app>/src/main.js` there instead, as the
 * Docker image does.
 */
export function startApp(
  app: string,
  name: string,
  env: Record<string, string>,
  logDir: string,
  options: { build?: string } = {},
): AppProcess {
  const log = join(logDir, `${name}.log`);
  const out = createWriteStream(log);
  const args = options.build
    ? [join(options.build, 'apps', app, 'src', 'main.js')]
    : ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    pid: child.pid,
    log,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until `url` answers 200, failing early (with the log's tail) if the process dies. */
export async function waitForHttp(url: string, app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      throw new Error(`${app.name} exited before it was ready:\n${await tail(app.log)}`);
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${app.name} not ready at ${url} after ${timeoutMs} ms:\n${await tail(app.log)}`,
      );
    }
    await sleep(100);
  }
}

/** Peak resident set size of a live process, in bytes (VmHWM in /proc/<pid>/status). */
export async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`No VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}

export async function tail(path: string, lines = 40): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Nearest-rank percentile of `values` (0 < p <= 100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
