import { randomBytes } from 'node:crypto';
import { runMigrations } from '@sid/shared/database';
import { freePort, startWorkerTestEnv, WorkerTestEnv } from '@sid/shared/testing';

/**
 * One request id followed from the gateway's log into the worker's: the gateway (a real process)
 * takes X-Request-Id, the identifier job it enqueues carries it, and the generator worker (another
 * process) logs the job's lines with it. Logs are JSON lines (NODE_ENV is not development), and
 * the admin token never appears in them.
 */
let env: WorkerTestEnv;
const token = `logs-${randomBytes(16).toString('hex')}`;

beforeAll(async () => {
  env = await startWorkerTestEnv('request_id_logs', runMigrations);
});

afterAll(async () => {
  await env?.close();
});

function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('follows one request id from the gateway log to the worker log', async () => {
  const port = await freePort();
  const logged = { LOG_LEVEL: 'info', NODE_ENV: 'test' };
  const gateway = await env.start('api-gateway', {
    ...logged,
    PORT: String(port),
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_TOKEN: token,
  });
  const worker = await env.start('generator-worker', logged);
  const api = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const product = await fetch(`${api}/items/product`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ gtin: '09312345551927', product_name: 'Bearings' }),
  });
  expect(product.status).toBe(200);
  const requestId = `trace-${randomBytes(6).toString('hex')}`;
  const created = await fetch(`${api}/items/identifier_job`, {
    method: 'POST',
    headers: { ...headers, 'x-request-id': requestId },
    body: JSON.stringify({ product: '/01/09312345551927', quantity: 500 }),
  });
  expect(created.status).toBe(200);
  expect(created.headers.get('x-request-id')).toBe(requestId);

  const gatewayLine = await env.until('the gateway to log the request', () =>
    jsonLines(gateway.output()).find(
      (line) => (line.req as { id?: string } | undefined)?.id === requestId,
    ),
  );
  expect(gatewayLine).toMatchObject({ req: { method: 'POST', url: '/items/identifier_job' } });
  expect((gatewayLine.req as { headers: Record<string, string> }).headers.authorization).toBe(
    '[Redacted]',
  );

  const workerLine = await env.until('the worker to log the job with the same id', () =>
    jsonLines(worker.output()).find(
      (line) => line.requestId === requestId && String(line.msg).includes('completed'),
    ),
  );
  expect(String(workerLine.msg)).toContain('generate-identifiers');
  expect(gateway.output()).not.toContain(token);
});
