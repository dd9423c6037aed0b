/**
 * The one line every `npm run bench:*` ends with, last on stdout, so that a script (and
 * `npm run bench`, tools/bench/run-all.ts) can read the result without parsing the prose above it:
 *
 *   {"bench":"export","figures":{...},"ratios":{...},"goals":{...},"met":true|false}
 *
 * `figures` are measured values (seconds, req/s, bytes...), named with their unit; `ratios` are
 * the comparisons against the bench's own baseline; each goal names one figure or ratio, a bound
 * and whether the run met it. `met` is true only when every goal was met.
 */

export type Comparison = '<=' | '>=';

export interface Goal {
  /** A key of `figures` or `ratios`. */
  of: string;
  /** `<=` for times, ratios of times and memory; `>=` for rates. */
  is: Comparison;
  limit: number;
}

export interface JudgedGoal extends Goal {
  value: number | null;
  met: boolean;
}

export interface Verdict {
  bench: string;
  figures: Record<string, number>;
  ratios: Record<string, number>;
  goals: Record<string, JudgedGoal>;
  met: boolean;
}

/** The prefix `run-all.ts` looks for on the last line of a bench's output. */
export const VERDICT_START = '{"bench":';

/**
 * Judges `goals` against the figures and ratios. A goal whose value is missing or not a finite
 * number is not met: a bench that could not measure something has not shown it is fast enough.
 */
export function judge(
  bench: string,
  figures: Record<string, number>,
  ratios: Record<string, number>,
  goals: Record<string, Goal>,
): Verdict {
  const judged: Record<string, JudgedGoal> = {};
  for (const [name, goal] of Object.entries(goals)) {
    const value = goal.of in ratios ? ratios[goal.of] : figures[goal.of];
    const known = typeof value === 'number' && Number.isFinite(value);
    const met = known && (goal.is === '<=' ? value <= goal.limit : value >= goal.limit);
    judged[name] = { ...goal, value: known ? round(value) : null, met };
  }
  return {
    bench,
    figures: rounded(figures),
    ratios: rounded(ratios),
    goals: judged,
    met: Object.values(judged).every((g) => g.met),
  };
}

/** Prints the verdict as the last line of stdout; call it after every other output. */
export function printVerdict(verdict: Verdict): void {
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
}

/** The verdict on the last non-empty line of `output`, or undefined when there is none. */
export function parseVerdict(output: string): Verdict | undefined {
  const last = output.trimEnd().split('\n').pop()?.trim() ?? '';
  if (!last.startsWith(VERDICT_START)) return undefined;
  try {
    const parsed = JSON.parse(last) as Verdict;
    return typeof parsed.bench === 'string' && typeof parsed.met === 'boolean' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function rounded(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v)]));
}

/** Counts stay exact; four significant digits are more than a noisy machine can tell apart. */
function round(value: number): number {
  return Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(4));
}
