import { loadConfig } from '@sid/shared/config';
import { runMigrations } from '../data-source';

/** `npm run db:migrate`: brings the database named by DATABASE_URL up to date, creating it if missing. */
async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  await ensureDatabaseExists(DATABASE_URL);
  const applied = await runMigrations(DATABASE_URL);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
}

async function ensureDatabaseExists(url: string): Promise<void> {
  const { Client } = await import('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch {
    return; // No access to the maintenance database: assume the target exists.
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
