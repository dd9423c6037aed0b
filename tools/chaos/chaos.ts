/**
 * `npm run test:chaos`: the whole system under faults and load, then the promises checked.
 *
 * Starts the real system as processes (an s3rver, the gateway, two of each worker) on a fresh
 * database and Redis key prefix, runs the workload (chaos-workload.ts) for CHAOS_DURATION_S while
 * injecting faults on a seeded schedule (chaos-faults.ts), lets the system settle, and checks the
 * invariants with SQL and the object store's listing (chaos-invariants.ts). Prints the summary
 * table and writes it as JSON (CHAOS_OUTPUT, default tmp/chaos-summary.json); exits 1 when an
 * invariant is broken or the system did not settle.
 *
 * Scale (defaults are the full run): CHAOS_CODES, CHAOS_RESERVATIONS, CHAOS_MAX_RESERVATION,
 * CHAOS_CANCEL_PERCENT, CHAOS_DURATION_S, CHAOS_SETTLE_S, CHAOS_KILL_EVERY_S, CHAOS_READERS,
 * CHAOS_PATCHERS, CHAOS_UPLOADERS, CHAOS_UPLOADS, CHAOS_MAX_UPLOAD (the upload API's stream: files
 * of own codes, about one in three broken on purpose); CHAOS_SEED replays a run's schedule and
 * workload. A quick check:
 *   CHAOS_CODES=60000 CHAOS_RESERVATIONS=40 CHAOS_MAX_RESERVATION=2000 CHAOS_DURATION_S=60 npm run test:chaos
 *
 * The machine's PostgreSQL and Redis are shared, so the production drills are narrowed to the
 * run's own: "FLUSHALL" deletes every key under the run's queue prefix, and "restart PostgreSQL"
 * terminates every backend of the run's database. Logs stay in tmp/chaos-<prefix>/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ExportObjectSweepService, FileRepository } from '@sid/exports';
import { ObjectStorage } from '@sid/shared/storage';
import { LOCAL_S3_CREDENTIALS } from '@sid/shared/testing';
import { ROOT, sleep } from '../bench/bench-processes';
import { ChaosClient } from './chaos-client';
import { FaultInjector, planFaults } from './chaos-faults';
import { checkInvariants } from './chaos-invariants';
import { chaosOptions, Rng } from './chaos-options';
import { ChaosSummary, report } from './chaos-report';
import { ChaosSystem } from './chaos-system';
import { ChaosWorkload } from './chaos-workload';

const PROGRESS = `
  SELECT (SELECT coalesce(sum(quantity_created), 0) FROM identifier_job)
       + (SELECT coalesce(sum(quantity_reserved), 0) + count(*) FILTER (WHERE status NOT IN ('new', 'in_progress'))
          FROM code_reservation)
       + (SELECT count(*) FROM file)
       + (SELECT count(*) FILTER (WHERE status IN ('completed', 'error')) FROM ingestion_record)
       + (SELECT count(*) FILTER (WHERE status = 'completed') FROM workorder) AS value,
         (SELECT count(*) FROM identifier_job WHERE status IN ('new', 'in_progress'))
       + (SELECT count(*) FROM code_reservation WHERE status IN ('new', 'in_progress'))
       + (SELECT count(*) FROM ingestion_record WHERE status = 'processing')
       + (SELECT count(*) FROM workorder WHERE status = 'processing') AS unfinished`;

async function main(): Promise<void> {
  const options = chaosOptions();
  const { seed, output, ...scale } = options;
  const started = Date.now();
  const system = new ChaosSystem(join(ROOT, 'tmp', `chaos-${Date.now().toString(36)}`));
  console.log(`[chaos] seed ${seed}; scale ${JSON.stringify(scale)}; logs in ${system.dir}`);
  let pool: Pool | undefined;
  try {
    await system.start();
    pool = new Pool({ connectionString: system.db.url, max: 3 });
    pool.on('error', () => undefined); // its connections are terminated by one of the faults
    const progress = async () => {
      const { rows } = await pool!.query(PROGRESS);
      return { value: Number(rows[0].value), unfinished: Number(rows[0].unfinished) };
    };
    const api = new ChaosClient(system.baseUrl, system.token);
    const workload = new ChaosWorkload(api, options, new Rng(seed), new Rng(seed ^ 0x1b873593));
    await workload.setup();

    const plan = planFaults(options, new Rng(seed ^ 0x5bd1e995));
    console.log(
      `[chaos] fault schedule: ${plan.map((f) => `+${(f.atMs / 1000).toFixed(1)}s ${f.kind}${f.target ? ` ${f.target}` : ''}`).join(', ')}`,
    );
    const faults = new FaultInjector(system, progress);
    const workloadStart = Date.now();
    await Promise.all([workload.run(options.durationS * 1000), faults.run(plan)]);
    const workloadS = Math.round((Date.now() - workloadStart) / 1000);

    console.log('[chaos] workload over; settling');
    if (!system.s3Running) await system.startS3();
    const settleStart = Date.now();
    let settled = false;
    while (Date.now() - settleStart < options.settleS * 1000) {
      const now = await progress().catch(() => undefined);
      if (now?.unfinished === 0) {
        settled = true;
        break;
      }
      await sleep(1000);
    }
    const settleS = Math.round((Date.now() - settleStart) / 1000);

    const storage = new ObjectStorage({
      endpoint: system.s3Endpoint,
      region: 'us-east-1',
      bucket: system.bucket,
      accessKeyId: LOCAL_S3_CREDENTIALS.accessKeyId,
      secretAccessKey: LOCAL_S3_CREDENTIALS.secretAccessKey,
      forcePathStyle: true,
    });
    // With nothing in flight any more, the export worker's hourly sweep of objects without a row
    // is run now (its grace period waived): what it deletes is counted as a recovery.
    const db = {
      query: (sql: string, params?: unknown[]) => pool!.query(sql, params).then((r) => r.rows),
    };
    const sweep = settled
      ? await new ExportObjectSweepService(
          new FileRepository(db as unknown as DataSource),
          storage,
        ).sweep(new Date())
      : { checked: 0, deleted: 0 };

    const client = await pool.connect();
    let invariants;
    try {
      invariants = await checkInvariants(client as never, storage, workload.ack);
    } finally {
      client.release();
    }
    invariants.unshift({
      name: 'the system settled (no job, reservation, upload or workorder left unfinished)',
      checked: 1,
      violations: settled ? 0 : 1,
      examples: settled ? [] : [`still unfinished after ${options.settleS} s`],
    });
    const tallies = [...api.tallies.values()];
    invariants.push({
      name: '0 answers 500 (internal error) under faults; 503 is the honest answer',
      checked: tallies.reduce(
        (n, t) => n + t.ok + t.client_error + t.unavailable + t.server_error,
        0,
      ),
      violations: tallies.reduce((n, t) => n + t.server_error, 0),
      examples: tallies.flatMap((t) => t.server_error_samples).slice(0, 5),
    });
    invariants.push({
      name: '0 processes exiting by themselves (crashes)',
      checked: system.logFiles().length,
      violations: system.unexpectedExits.length,
      examples: system.unexpectedExits.slice(0, 5),
    });

    const logs = system
      .logFiles()
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const sum = (pattern: RegExp) =>
      [...logs.matchAll(pattern)].reduce((n, m) => n + Number(m[1] ?? 1), 0);
    const operations: ChaosSummary['operations'] = Object.fromEntries(api.tallies);
    operations['identifier jobs acknowledged'] = workload.ack.jobs.length;
    operations['codes asked for by them'] = workload.ack.jobs.reduce((n, j) => n + j.quantity, 0);
    operations['reservations acknowledged'] = workload.ack.reservations.length;
    operations['codes reserved by them'] = workload.ack.reservations.reduce(
      (n, r) => n + r.quantity,
      0,
    );
    operations['cancellations acknowledged'] = workload.ack.cancelled.length;
    operations['cancellations refused (complete)'] = workload.ack.cancelRefused.length;
    operations['writes unanswered (timed out or reset; not sent again)'] = workload.ack.unanswered;
    operations['codes moved by batch PATCH'] = workload.ack.moved.reduce(
      (n, m) => n + m.ids.length,
      0,
    );
    const uploads = workload.ack.uploads;
    operations['upload records acknowledged (get-post-data 201)'] = uploads.length;
    operations['upload files posted to S3'] = uploads.filter((u) => u.posted).length;
    operations['uploads processed (process 2xx)'] = uploads.filter((u) => u.processed).length;
    operations['uploads with a deliberate error'] = uploads.filter(
      (u) => u.processed && u.kind !== 'valid' && u.kind !== 'allowed_duplicate',
    ).length;
    operations['codes in the planned upload files'] = workload.ingestion.codesPlanned;
    const summary: ChaosSummary = {
      seed,
      scale,
      wall_s: {
        workload: workloadS,
        settle: settleS,
        total: Math.round((Date.now() - started) / 1000),
      },
      operations,
      faults: faults.records,
      recoveries: {
        'jobs re-enqueued from PostgreSQL by the recovery sweeps': sum(
          /recovered (\d+) job\(s\) from PostgreSQL/g,
        ),
        'processes restarted after a SIGKILL': faults.records.filter(
          (f) => f.restored_ms !== null && f.kind.endsWith('kill'),
        ).length,
        'orphan export objects deleted by the sweep at settle': sweep.deleted,
      },
      invariants,
      passed: invariants.every((check) => check.violations === 0),
    };
    report(summary, join(ROOT, output));
    process.exitCode = summary.passed ? 0 : 1;
  } finally {
    await pool?.end().catch(() => undefined);
    await system.stop();
    if (system.db && process.env.CHAOS_KEEP !== '1') await system.db.drop();
    await system.clearQueues().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
