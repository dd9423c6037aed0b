import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import {
  AppProcess,
  createTestDatabase,
  eventually,
  startApp,
  TestDatabase,
} from '@sid/shared/testing';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('api-gateway in cluster mode (GATEWAY_WORKERS)', () => {
  const token = randomBytes(24).toString('hex');
  let db: TestDatabase;
  let gateway: AppProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_cluster');
    await runMigrations(db.url);
  });

  afterAll(async () => {
    await gateway?.stop();
    await db.drop();
  });

  it('serves one port from several processes, bootstraps the admin once, and stops them all', async () => {
    const port = await freePort();
    gateway = await startApp(
      'api-gateway',
      {
        DATABASE_URL: db.url,
        QUEUE_PREFIX: `cluster-${randomBytes(4).toString('hex')}`,
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_TOKEN: token,
        PORT: String(port),
        GATEWAY_WORKERS: '2',
        // Each worker compiles the sources on start (@swc-node/register), one after the other.
      },
      180_000,
    );
    const started = gateway;
    const pids = await eventually(
      () => {
        const found = [...started.output().matchAll(/listening on \S+ \(pid (\d+)\)/g)].map((m) =>
          Number(m[1]),
        );
        return new Set(found).size === 2 ? [...new Set(found)] : undefined;
      },
      180_000,
      'two gateway workers',
    );
    expect(pids).not.toContain(started.child.pid);

    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`http://127.0.0.1:${port}/items/product`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM app_user WHERE email = $1`, [
      'admin@example.com',
    ]);
    await pg.end();
    expect(rows[0].n).toBe(1);

    await started.stop();
    gateway = undefined;
    await eventually(() => (pids.some(alive) ? undefined : true), 15_000, 'workers to exit');
  }, 420_000);
});
