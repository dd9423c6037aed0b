import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RequestTally } from './chaos-client';
import { FaultRecord } from './chaos-faults';
import { Invariant } from './chaos-invariants';
import { ChaosOptions } from './chaos-options';

export interface ChaosSummary {
  seed: number;
  scale: Omit<ChaosOptions, 'seed' | 'output'>;
  wall_s: { workload: number; settle: number; total: number };
  operations: Record<string, RequestTally | number>;
  faults: FaultRecord[];
  recoveries: Record<string, number>;
  invariants: Invariant[];
  passed: boolean;
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);
const num = (value: number | null) => (value === null ? 'never' : `${(value / 1000).toFixed(1)} s`);

/** The summary as a table on stdout, and as JSON at `options.output`. */
export function report(summary: ChaosSummary, output: string): void {
  const lines: string[] = [];
  lines.push(
    '',
    `chaos run, seed ${summary.seed} (replay: CHAOS_SEED=${summary.seed} with the same scale)`,
  );
  lines.push(`scale ${JSON.stringify(summary.scale)}`);
  lines.push(
    `wall time: workload ${summary.wall_s.workload} s, settle ${summary.wall_s.settle} s, total ${summary.wall_s.total} s`,
    '',
    'operations                      2xx     4xx     503     other 5xx  no answer',
  );
  for (const [kind, tally] of Object.entries(summary.operations)) {
    if (typeof tally === 'number') lines.push(`${pad(kind, 30)} ${tally}`);
    else
      lines.push(
        `${pad(kind, 30)} ${pad(tally.ok, 7)} ${pad(tally.client_error, 7)} ${pad(tally.unavailable, 7)} ${pad(tally.server_error, 10)} ${tally.no_answer}`,
      );
  }
  lines.push('', 'faults (at, kind, restored after, progress again after)');
  for (const fault of summary.faults) {
    lines.push(
      `  +${pad((fault.atMs / 1000).toFixed(1) + ' s', 8)} ${pad(fault.kind, 19)} ${pad(num(fault.restored_ms), 8)} ${pad(num(fault.progress_ms), 8)} ${fault.detail}`,
    );
  }
  lines.push('', 'recoveries');
  for (const [what, count] of Object.entries(summary.recoveries))
    lines.push(`  ${pad(what, 58)} ${count}`);
  lines.push(
    '',
    'invariants                                                                  checked  violations',
  );
  for (const check of summary.invariants) {
    lines.push(`  ${pad(check.name, 74)} ${pad(check.checked, 8)} ${check.violations}`);
    for (const example of check.examples) lines.push(`      e.g. ${example}`);
  }
  lines.push(
    '',
    summary.passed ? 'PASSED: every invariant holds' : 'FAILED: see the violations above',
    '',
  );
  console.log(lines.join('\n'));
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, JSON.stringify(summary, null, 2));
  console.log(`summary written to ${output}`);
}
