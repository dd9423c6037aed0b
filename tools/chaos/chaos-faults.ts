import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '@sid/shared/testing';
import { sleep } from '../bench/bench-processes';
import { ChaosOptions, Rng } from './chaos-options';
import { ChaosSystem, deletePrefix, untilAnswers } from './chaos-system';

export type FaultKind =
  'worker_kill' | 'gateway_kill' | 'redis_flush' | 'postgres_terminate' | 's3_stall';

export interface PlannedFault {
  atMs: number;
  kind: FaultKind;
  /** For worker_kill: which of the workers then up and ready (an index into them, modulo). */
  pick?: number;
  /** The slot killed. */
  target?: string;
}

export interface FaultRecord extends PlannedFault {
  /** What the fault did (pids killed, keys deleted, backends terminated). */
  detail: string;
  /** The process back (restart) or the service back, in ms after the fault; null if never. */
  restored_ms: number | null;
  /** The database shows progress again (or nothing was left to do), in ms after the fault. */
  progress_ms: number | null;
}

const STALL_MS = 10_000;

/**
 * The seeded schedule: a worker SIGKILLed about every `killEveryS` seconds (and replaced at once),
 * and once each, at separate moments, the gateway SIGKILLed, the run's Redis keys deleted, every
 * PostgreSQL backend of the run's database terminated, and the object store stopped for 10 s.
 */
export function planFaults(options: ChaosOptions, rng: Rng): PlannedFault[] {
  const duration = options.durationS * 1000;
  const plan: PlannedFault[] = [];
  for (let at = options.killEveryS * 1000; at < duration * 0.9; at += options.killEveryS * 1000) {
    const jitter = (rng.next() - 0.5) * options.killEveryS * 500;
    plan.push({ atMs: Math.round(at + jitter), kind: 'worker_kill', pick: rng.int(0, 1000) });
  }
  const once: FaultKind[] = ['gateway_kill', 'redis_flush', 'postgres_terminate', 's3_stall'];
  const slots = [0.15, 0.35, 0.55, 0.75];
  for (let i = slots.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  once.forEach((kind, i) => {
    const at = (slots[i] + (rng.next() - 0.5) * 0.08) * duration;
    plan.push({ atMs: Math.round(at), kind });
  });
  return plan.sort((a, b) => a.atMs - b.atMs);
}

/** Carries out a plan against the system; `progress` reads the database's progress counter. */
export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private readonly measuring: Promise<void>[] = [];

  constructor(
    private readonly system: ChaosSystem,
    private readonly progress: () => Promise<{ value: number; unfinished: number }>,
  ) {}

  async run(plan: PlannedFault[]): Promise<void> {
    const started = Date.now();
    for (const fault of plan) {
      await sleep(Math.max(0, started + fault.atMs - Date.now()));
      try {
        await this.inject(fault);
      } catch (error) {
        console.error(`[chaos] fault ${fault.kind} failed to run: ${String(error)}`);
      }
    }
    await Promise.all(this.measuring);
  }

  private async inject(fault: PlannedFault): Promise<void> {
    const before = await this.progress().catch(() => ({ value: 0, unfinished: 1 }));
    const at = Date.now();
    const record: FaultRecord = { ...fault, detail: '', restored_ms: null, progress_ms: null };
    this.records.push(record);
    let restored: Promise<number>;
    switch (fault.kind) {
      case 'worker_kill': {
        // One that is up: a replacement still starting is not killed again.
        const ready = this.system.readySlots();
        if (ready.length === 0) {
          record.detail = 'skipped: no worker up and ready';
          return;
        }
        const slot = ready[(fault.pick ?? 0) % ready.length];
        record.target = slot;
        const pid = this.system.apps.get(slot)?.child.pid;
        await this.system.kill(slot);
        record.detail = `SIGKILL ${slot} (pid ${pid}), replacement started`;
        restored = this.system.restart(slot).then(() => Date.now() - at);
        break;
      }
      case 'gateway_kill': {
        const pid = this.system.apps.get('api-gateway')?.child.pid;
        await this.system.kill('api-gateway');
        record.detail = `SIGKILL api-gateway (pid ${pid}), restarted`;
        restored = this.system
          .restart('api-gateway')
          .then(() => untilAnswers(`${this.system.baseUrl}/server/ping`, {}, 300_000))
          .then(() => Date.now() - at);
        break;
      }
      case 'redis_flush': {
        const deleted = await deletePrefix(this.system.prefix);
        record.detail = `deleted all ${deleted} keys under ${this.system.prefix}: (the run's FLUSHALL)`;
        restored = Promise.resolve(Date.now() - at);
        break;
      }
      case 'postgres_terminate': {
        const ended = await terminateBackends(this.system.db.name);
        record.detail = `pg_terminate_backend of ${ended} backends of ${this.system.db.name} (the run's PostgreSQL restart)`;
        restored = untilAnswers(
          `${this.system.baseUrl}/items/product?limit=1`,
          { authorization: `Bearer ${this.system.token}` },
          300_000,
        ).then(() => Date.now() - at);
        break;
      }
      case 's3_stall': {
        await this.system.stopS3();
        await sleep(STALL_MS);
        await this.system.startS3();
        record.detail = `s3rver stopped for ${STALL_MS / 1000} s, then started again`;
        restored = Promise.resolve(Date.now() - at);
        break;
      }
    }
    console.log(`[chaos] +${(fault.atMs / 1000).toFixed(1)} s ${fault.kind}: ${record.detail}`);
    this.measuring.push(
      restored.then(
        async (ms) => {
          record.restored_ms = ms;
          record.progress_ms = await this.untilProgress(before.value, at);
        },
        (error: unknown) => {
          console.error(`[chaos] ${fault.kind} not restored: ${String(error)}`);
        },
      ),
    );
  }

  private async untilProgress(
    before: number,
    at: number,
    timeoutMs = 300_000,
  ): Promise<number | null> {
    while (Date.now() - at < timeoutMs) {
      const now = await this.progress().catch(() => undefined);
      if (now && (now.value > before || now.unfinished === 0)) return Date.now() - at;
      await sleep(250);
    }
    return null;
  }
}

/** A PostgreSQL restart, for this run only: every backend of its database is terminated. */
async function terminateBackends(database: string): Promise<number> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}
