/** How far back the claim rate of a pool looks. */
export const CLAIM_RATE_WINDOW_MS = 3_600_000;

/**
 * The claim rate of each pool over the last hour, from samples of its ever-claimed total taken
 * on a timer: (latest - oldest sample within the hour) / time between them. A total that went
 * down (reservations deleted) restarts the pool's window rather than giving a negative rate.
 */
export class ClaimRateWindow {
  private readonly samples = new Map<string, { at: number; total: number }[]>();

  constructor(private readonly windowMs = CLAIM_RATE_WINDOW_MS) {}

  record(key: string, total: number, at: number): void {
    const list = this.samples.get(key) ?? [];
    if (list.length > 0 && total < list[list.length - 1].total) list.length = 0;
    list.push({ at, total });
    while (list.length > 2 && list[1].at <= at - this.windowMs) list.shift();
    this.samples.set(key, list);
  }

  /** Codes per second; 0 until two samples exist. */
  rate(key: string): number {
    const list = this.samples.get(key) ?? [];
    if (list.length < 2) return 0;
    const first = list[0];
    const last = list[list.length - 1];
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.total - first.total) / seconds : 0;
  }

  /** Forgets pools that no longer exist. */
  retain(keys: Set<string>): void {
    for (const key of this.samples.keys()) if (!keys.has(key)) this.samples.delete(key);
  }
}

/** Seconds until `unassigned` codes are gone at `ratePerSecond`; Infinity when nothing is claimed. */
export function secondsToExhaustion(unassigned: number, ratePerSecond: number): number {
  if (ratePerSecond <= 0) return Infinity;
  return Math.max(0, unassigned) / ratePerSecond;
}
