import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { copyRows } from '../code-generation.repository';

/**
 * Run as its own Node process by copy-rows.int-spec.ts, because only a real process shows an
 * unhandled rejection for what it is (it ends the process with exit code 1): copyRows of a first
 * batch whose first id another transaction has inserted and not yet committed (PostgreSQL waits
 * on it, then refuses the COPY when it commits), while the source takes its time with the next
 * batch. Prints the error code copyRows rejected with, or `written` if it did not.
 */
async function* slowSource(): AsyncIterable<string[]> {
  // Over 64 kB, so that PostgreSQL reads the rows (it waits on 'held') instead of more input.
  yield ['held', ...Array.from({ length: 20_000 }, (_, i) => `row-${i}`)];
  await sleep(2000);
  yield ['b'];
  await sleep(300);
  yield ['c'];
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await copyRows(
      client,
      'COPY copied (id) FROM STDIN',
      slowSource(),
      (id) => `${id}\n`,
    )
      .then(() => 'written')
      .catch((error: { code?: string }) => error.code ?? String(error));
    await client.query('ROLLBACK');
    // Let a stray rejection surface before the process ends on its own.
    await sleep(200);
    process.stdout.write(`${outcome}\n`);
  } finally {
    client.release();
    await pool.end();
  }
}

void main();
