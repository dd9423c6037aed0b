import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import {
  AppProcess,
  createTestDatabase,
  eventually,
  freePort,
  startApp,
  TestDatabase,
} from '@sid/shared/testing';

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

  it('serves one port from several processes, bootstraps the admin once, aggregates /metrics, and stops them all', async () => {
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

    // /metrics counts the requests of both workers, whichever of them the scrape reaches: each
    // of several scrapes (spread over the workers by the primary) sees all 12, never its own half.
    const productReads = new RegExp(
      '^sid_http_request_duration_seconds_count\\{method="GET",route="/items/:collection",status="200"\\} (\\d+)$',
      'm',
    );
    const scrape = async () => {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(metrics.status).toBe(200);
      return (await metrics.text()).match(productReads)?.[1];
    };
    // A request is counted once its response has gone out ('finish'), a moment after the client has it.
    await eventually(
      async () => ((await scrape()) === '12' ? true : undefined),
      10_000,
      '12 reads',
    );
    for (let i = 0; i < 4; i++) expect(await scrape()).toBe('12');

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
