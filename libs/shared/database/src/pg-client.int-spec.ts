import { spawn } from 'node:child_process';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';

/**
 * A connection that errs while lent out and idle (its backend terminated, as a PostgreSQL restart
 * does) must not end the process: the chaos run saw workers exit on an unhandled 'error' event of
 * a pg Client. The scenario runs in a process of its own, because Jest survives what a worker
 * would not.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('pg_client');
});

afterAll(async () => {
  await database?.drop();
});

it('survives a lent connection terminated between queries, with no listener of its own; the pool goes on', async () => {
  const result = await new Promise<{ code: number | null; out: string; err: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', 'libs/shared/database/src/testing/terminated-while-lent.ts'],
        { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'error' } },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out, err }));
    },
  );
  const lines = result.out
    .split('\n')
    .filter((line) => line.startsWith('result: '))
    .map((line) => line.slice('result: '.length));
  expect({ code: result.code, lines }).toEqual({
    code: 0,
    lines: ['alive', expect.stringMatching(/^refused: /), 'pool works'],
  });
});
