/**
 * `npm run bench`: every `bench:*` script of package.json, one after the other (they share the
 * machine, so never at once), then a table of their verdicts (tools/bench/verdict.ts).
 *
 * The list is read from package.json, not written here: a bench added as a `bench:<name>`
 * script joins the run. `npm run bench -- export read` runs only those. Each bench's output is
 * shown as it comes; its last line must be its verdict. A bench that fails, or ends without a
 * verdict, is a row marked `failed`, and the run exits non-zero; missed goals are only reported.
 * The run ends with its own verdict line: {"bench":"all",...,"met":<every goal of every bench>}.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-processes';
import { parseVerdict, printVerdict, Verdict } from './verdict';

interface Outcome {
  script: string;
  seconds: number;
  verdict?: Verdict;
  exitCode: number | null;
}

async function main(): Promise<void> {
  const scripts = benchScripts(process.argv.slice(2));
  if (scripts.length === 0) throw new Error('No bench:* script matches');
  console.log(`[bench] running ${scripts.join(', ')}`);
  const outcomes: Outcome[] = [];
  for (const script of scripts) outcomes.push(await run(script));

  console.log(`\n${table(outcomes)}\n`);
  const failed = outcomes.filter((o) => !o.verdict || o.exitCode !== 0);
  if (failed.length > 0) process.exitCode = 1;
  printVerdict({
    bench: 'all',
    figures: Object.fromEntries(outcomes.map((o) => [`${o.script}_seconds`, o.seconds])),
    ratios: {},
    goals: {},
    met: failed.length === 0 && outcomes.every((o) => o.verdict?.met === true),
  });
}

/** The `bench:*` scripts of package.json, in name order; only `wanted` ones when given. */
export function benchScripts(wanted: readonly string[]): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return Object.keys(pkg.scripts ?? {})
    .filter((name) => name.startsWith('bench:'))
    .filter(
      (name) => wanted.length === 0 || wanted.some((w) => name === w || name === `bench:${w}`),
    )
    .sort();
}

/** Runs one script with npm, echoing its output, and reads the verdict off its last line. */
function run(script: string): Promise<Outcome> {
  console.log(`\n[bench] ===== npm run ${script}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
      // Only the end matters; keep memory bounded whatever a bench prints.
      if (output.length > 1_000_000) output = output.slice(-100_000);
    });
    child.on('close', (exitCode) => {
      resolve({
        script,
        seconds: (performance.now() - started) / 1000,
        verdict: parseVerdict(output),
        exitCode,
      });
    });
  });
}

function table(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map((o) => {
    const v = o.verdict;
    const status = !v || o.exitCode !== 0 ? 'failed' : v.met ? 'met' : 'MISSED';
    const goals = v
      ? Object.entries(v.goals)
          .map(
            ([name, g]) => `${name} ${fmt(g.value)} ${g.is} ${g.limit}${g.met ? '' : ' (missed)'}`,
          )
          .join('; ')
      : `no verdict line (exit code ${o.exitCode})`;
    return [o.script, status, `${o.seconds.toFixed(0)} s`, goals];
  });
  const header = ['bench', 'verdict', 'took', 'goals'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : String(Number(value.toPrecision(4)));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
