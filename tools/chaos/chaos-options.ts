import { randomInt } from 'node:crypto';
import { intEnv } from '../bench/bench-processes';

/** The run's scale and schedule, from the environment (defaults: the full scale). */
export interface ChaosOptions {
  seed: number;
  /** Codes asked for by identifier jobs (several types), spread over jobs of at most 200,000. */
  codes: number;
  reservations: number;
  /** Largest reservation; sizes are drawn log-uniformly from 1 to this. */
  maxReservation: number;
  /** Share of reservations cancelled midway, in percent. */
  cancelPercent: number;
  /** Wall time of the workload and of the fault schedule. */
  durationS: number;
  /** How long the system may take, after the workload, to finish everything. */
  settleS: number;
  /** A worker is SIGKILLed (and replaced) about this often. */
  killEveryS: number;
  readers: number;
  patchers: number;
  /** Accounts uploading their own codes (Scantrust's upload API). */
  uploaders: number;
  /** Files they upload, CSV and JSON, about one in three with a deliberate error. */
  uploads: number;
  /** Largest file, in codes; sizes are drawn log-uniformly from 2 to this. */
  maxUpload: number;
  /** Where the summary JSON is written. */
  output: string;
}

export function chaosOptions(): ChaosOptions {
  const seedText = process.env.CHAOS_SEED;
  return {
    seed: seedText ? Number(seedText) : randomInt(2 ** 31),
    codes: intEnv('CHAOS_CODES', 1_000_000),
    reservations: intEnv('CHAOS_RESERVATIONS', 200),
    maxReservation: intEnv('CHAOS_MAX_RESERVATION', 5_000),
    cancelPercent: intEnv('CHAOS_CANCEL_PERCENT', 15),
    durationS: intEnv('CHAOS_DURATION_S', 180),
    settleS: intEnv('CHAOS_SETTLE_S', 600),
    killEveryS: intEnv('CHAOS_KILL_EVERY_S', 6),
    readers: intEnv('CHAOS_READERS', 3),
    patchers: intEnv('CHAOS_PATCHERS', 2),
    uploaders: intEnv('CHAOS_UPLOADERS', 3),
    uploads: intEnv('CHAOS_UPLOADS', 60),
    maxUpload: intEnv('CHAOS_MAX_UPLOAD', 50_000),
    output: process.env.CHAOS_OUTPUT ?? 'tmp/chaos-summary.json',
  };
}

/** mulberry32: a small seeded generator, so that a printed seed replays the same run. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An integer in [1, max], log-uniform: as many small sizes as large ones. */
  logInt(max: number): number {
    return Math.max(1, Math.min(max, Math.round(Math.exp(this.next() * Math.log(max)))));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}
