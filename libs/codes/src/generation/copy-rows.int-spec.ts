import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';

/**
 * copyRows streams batches from a source (a file being parsed, say) into a COPY. PostgreSQL may
 * refuse the COPY (a unique index) while the source is still being awaited: that refusal must
 * come back as copyRows' rejection, never as an unhandled promise rejection, which ends the
 * process (it took a generator-worker down in the chaos run). Jest keeps a test alive through an
 * unhandled rejection, so the scenario runs in a process of its own.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('copy_rows');
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query(
    `CREATE TABLE copied (id text PRIMARY KEY); INSERT INTO copied VALUES ('taken')`,
  );
  await client.end();
});

afterAll(async () => {
  await database?.drop();
});

function run(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

it('rejects with the refusal that arrived while the source was awaited, and the process lives on', async () => {
  // Another upload of the same id, not yet committed: the COPY waits on it, and is refused when
  // it commits, while copyRows is waiting for its source's next batch.
  const other = new Client({ connectionString: database.url });
  const watcher = new Client({ connectionString: database.url });
  await other.connect();
  await watcher.connect();
  try {
    await other.query(`BEGIN; INSERT INTO copied VALUES ('held')`);
    const running = run('libs/codes/src/generation/testing/copy-refused-while-reading.ts');
    // Commit once the COPY waits on the held row (the child then waits for its next batch). Asked
    // on another connection: inside a transaction pg_stat_activity keeps its first answer.
    for (let tries = 0; tries < 300; tries++) {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY copied%'`,
      );
      if (rows.length > 0) break;
      await sleep(50);
    }
    await other.query('COMMIT');
    const result = await running;
    expect({ code: result.code, out: result.out.trim(), err: result.err }).toEqual({
      code: 0,
      out: '23505',
      err: '',
    });
  } finally {
    await other.end();
    await watcher.end();
  }
});
