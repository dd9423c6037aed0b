import { createServer, IncomingMessage, Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { runMigrations } from '@sid/shared/database';
import { JobName, QueueName } from '@sid/shared/queue';
import {
  enqueueAsJobQueue,
  startWorkerTestEnv,
  TEST_PRODUCT as PRODUCT,
  WorkerTestEnv,
} from '@sid/shared/testing';
import { SIGNATURE_HEADER, verifyWebhook } from '@sid/webhooks';

/**
 * Domain events to signed webhooks, with real workers: the generator records
 * identifier_job.completed with its status change, a relay publishes it over the Redis transport,
 * the reservation worker makes the delivery and POSTs it to a receiver in this test.
 */
interface Received {
  body: string;
  signature: string | undefined;
  eventId: string | undefined;
}

let env: WorkerTestEnv;
let client: Client;
let account: string;
let receiver: Server;
let url: string;
let received: Received[] = [];
/** Status the receiver answers to each request, in order; 200 once it runs out. */
let answers: number[] = [];

beforeAll(async () => {
  env = await startWorkerTestEnv('webhooks', runMigrations);
  ({ client, account } = env);
  receiver = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({
        body,
        signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
        eventId: req.headers['sid-event-id'] as string | undefined,
      });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});

afterAll(async () => {
  await env?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(async () => {
  received = [];
  answers = [];
  await client.query('DELETE FROM webhook');
});

async function addWebhook(secret: string): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO webhook (account, url, events, secret) VALUES ($1, $2, $3, $4) RETURNING id`,
    [account, url, ['identifier_job.completed', 'identifier_job.failed'], secret],
  );
  return rows[0].id;
}

async function generate(quantity: number): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO identifier_job (account, product, quantity, type, length) VALUES ($1, $2, $3, 'sgtin', 10) RETURNING id`,
    [account, PRODUCT, quantity],
  );
  const identifierJobId: string = rows[0].id;
  await enqueueAsJobQueue(env.queue(QueueName.IdentifierGeneration), JobName.GenerateIdentifiers, {
    identifierJobId,
  });
  return identifierJobId;
}

async function outboxRow(subject: string) {
  const { rows } = await client.query(
    `SELECT id, published_at FROM event_outbox WHERE event = 'identifier_job.completed' AND subject = $1`,
    [subject],
  );
  return rows[0] as { id: string; published_at: Date | null } | undefined;
}

async function deliveries(webhook: string) {
  const { rows } = await client.query(
    `SELECT event_id, status, attempts, last_response_code FROM webhook_delivery WHERE webhook = $1`,
    [webhook],
  );
  return rows;
}

it('delivers a completed job to a local receiver, signed with the webhook secret', async () => {
  const secret = 'whsec_signature_test';
  const webhook = await addWebhook(secret);
  await env.start('generator-worker');
  await env.start('reservation-worker');
  const job = await generate(1000);

  await env.until('the delivery', () => (received.length > 0 ? true : undefined));
  const [request] = received;
  expect(verifyWebhook(secret, request.body, request.signature)).toBe(true);
  expect(verifyWebhook('whsec_other', request.body, request.signature)).toBe(false);
  const event = JSON.parse(request.body);
  const row = await outboxRow(job);
  expect(event).toMatchObject({
    id: row!.id,
    type: 'identifier_job.completed',
    subject: job,
    data: { id: job, quantity: 1000, type: 'sgtin', product: PRODUCT },
  });
  expect(request.eventId).toBe(row!.id);
  await env.until('the delivery to be logged', async () => {
    const [d] = await deliveries(webhook);
    return d?.status === 'delivered' ? d : undefined;
  });
  expect(await deliveries(webhook)).toEqual([
    { event_id: row!.id, status: 'delivered', attempts: 1, last_response_code: 200 },
  ]);
});

it('retries a receiver that answers 500 twice, and delivers on the third try', async () => {
  const webhook = await addWebhook('whsec_retry_test');
  answers = [500, 500];
  if (env.alive().length < 2) {
    await env.start('generator-worker');
    await env.start('reservation-worker');
  }
  const job = await generate(500);

  const done = await env.until(
    'the delivery after two failures',
    async () => {
      const [d] = await deliveries(webhook);
      return d?.status === 'delivered' ? d : undefined;
    },
    { timeoutMs: 60_000 },
  );
  expect(done).toMatchObject({ attempts: 3, last_response_code: 200 });
  const row = await outboxRow(job);
  expect(received.map((r) => r.eventId)).toEqual([row!.id, row!.id, row!.id]);
  // The same event each time, each signed afresh.
  expect(new Set(received.map((r) => JSON.parse(r.body).id))).toEqual(new Set([row!.id]));
});

it('sends identifier_job.failed for a job that cannot be made, with the reason', async () => {
  const secret = 'whsec_failed_test';
  await addWebhook(secret);
  if (env.alive().length < 2) {
    await env.start('generator-worker');
    await env.start('reservation-worker');
  }
  // 100 numeric codes of one digit cannot exist: the job fails for good.
  const { rows } = await client.query(
    `INSERT INTO identifier_job (account, product, quantity, type, length, character_set)
     VALUES ($1, $2, 100, 'sgtin', 1, 'numeric') RETURNING id`,
    [account, PRODUCT],
  );
  const job: string = rows[0].id;
  await enqueueAsJobQueue(env.queue(QueueName.IdentifierGeneration), JobName.GenerateIdentifiers, {
    identifierJobId: job,
  });
  await env.until('the failure to be delivered', () => (received.length > 0 ? true : undefined));
  const event = JSON.parse(received[0].body);
  expect(verifyWebhook(secret, received[0].body, received[0].signature)).toBe(true);
  expect(event).toMatchObject({ type: 'identifier_job.failed', subject: job, data: { id: job } });
  expect(event.data.error_message).toEqual(expect.any(String));
  expect(event.data).not.toHaveProperty('account');
});

it('delivers exactly one event, with the id recorded at commit, when the worker is killed before publishing it', async () => {
  for (const app of env.alive()) await app.kill();
  const webhook = await addWebhook('whsec_crash_test');
  // This generator never publishes after its first (empty) round: the job's event stays in the
  // outbox, committed with its status, when the worker is killed.
  const generator = await env.start('generator-worker', { OUTBOX_RELAY_INTERVAL_MS: '3600000' });
  const job = await generate(2000);
  const recorded = await env.until('the committed event', async () => outboxRow(job));
  expect(recorded.published_at).toBeNull();
  await generator.kill();
  expect((await outboxRow(job))!.published_at).toBeNull();
  expect(received).toEqual([]);

  // Another worker's relay publishes it; the consumer makes its one delivery.
  await env.start('reservation-worker');
  await env.until('the delivery', () => (received.length > 0 ? true : undefined));
  await sleep(3_000); // a second publication or sweep would deliver again by now
  expect(received.map((r) => r.eventId)).toEqual([recorded.id]);
  expect(JSON.parse(received[0].body).id).toBe(recorded.id);
  expect(await deliveries(webhook)).toEqual([
    { event_id: recorded.id, status: 'delivered', attempts: 1, last_response_code: 200 },
  ]);
});
