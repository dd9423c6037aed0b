import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';

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

/** Clock ticks per second of the CPU times in /proc (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) a live process has used so far: fields 14 and 15 of
 * /proc/<pid>/stat, read after the command name, which may contain spaces.
 */
export async function processCpuSeconds(pid: number): Promise<number> {
  const { fields } = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * A /proc/<pid>/stat line: the command name between its parentheses (which it may contain too),
 * and the fields after it, from field 3 (state) on.
 */
function parseStat(stat: string): { name: string; fields: string[] } {
  const end = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, end), fields: stat.slice(end + 2).split(' ') };
}

interface ProcessStat {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime + cutime + cstime: its own CPU and that of the children it has reaped. */
  cpuSeconds: number;
}

/** Every live process of the machine as /proc/<pid>/stat shows it. */
async function processStats(): Promise<ProcessStat[]> {
  const stats: ProcessStat[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue; // it has exited meanwhile
    const { name, fields } = parseStat(stat);
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    stats.push({ pid: Number(entry), ppid: Number(fields[1]), name, cpuSeconds: ticks / USER_HZ });
  }
  return stats;
}

/**
 * CPU seconds used so far by each process of `pids` and all its descendants, those that have
 * exited included (a parent's cutime/cstime holds its reaped children's): a cluster-mode gateway
 * with its workers, or PostgreSQL's postmaster with every backend and parallel worker. One
 * reading of /proc for all of them; differences of two readings are what each tree used between.
 */
export async function processTreesCpuSeconds(...pids: number[]): Promise<number[]> {
  const stats = await processStats();
  const children = new Map<number, ProcessStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  return pids.map((pid) => {
    let total = 0;
    const queue = stats.filter((stat) => stat.pid === pid);
    while (queue.length > 0) {
      const stat = queue.pop() as ProcessStat;
      total += stat.cpuSeconds;
      queue.push(...(children.get(stat.pid) ?? []));
    }
    return total;
  });
}

/** The pid of the local PostgreSQL's postmaster: the `postgres` process whose parent is not one. */
export async function postmasterPid(): Promise<number> {
  const stats = await processStats();
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const root = stats.find(
    (stat) => stat.name === 'postgres' && byPid.get(stat.ppid)?.name !== 'postgres',
  );
  if (!root) throw new Error('No postgres process on this machine');
  return root.pid;
}

/**
 * CPU seconds all CPUs of the machine have been busy since boot (user + nice + system + irq +
 * softirq + steal of the first `cpu ` line of /proc/stat; idle and iowait excluded).
 */
export async function machineBusyCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('No cpu line in /proc/stat');
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / USER_HZ;
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

/** A positive integer from the environment variable `name`, or `fallback` when it is unset. */
export function intEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a positive integer, got ${value}`);
  return parsed;
}

/** GS1 mod-10 check digit appended to `body`. */
export function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++)
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
}

/**
 * One call to the gateway's API at `base` with `token`: the parsed JSON answer (undefined when
 * empty); a non-2xx answer throws with its status and body.
 */
export async function callApi(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A null sink that counts the bytes written to it (`bytes`). */
export function byteCounter(): Writable & { bytes: number } {
  const counter = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        counter.bytes += chunk.length;
        callback();
      },
    }),
    { bytes: 0 },
  );
  return counter;
}
