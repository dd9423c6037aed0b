import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * The gateway's `/metrics`: admins only; HTTP requests timed by route template and status; and the
 * request id taken from X-Request-Id (or made) and returned.
 */
describe('gateway metrics and request ids', () => {
  let gateway: GatewayTestApp;
  let partnerToken: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gateway = await createGatewayTestApp('metrics', { METRICS_INTERVAL_MS: '1000' });
    const created = await request(gateway.app.getHttpServer())
      .post('/users')
      .set(auth(gateway.adminToken))
      .send({ email: 'printer@example.com', account_name: 'Printer Co' })
      .expect(200);
    partnerToken = created.body.data.token;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 401 without a token and 403 to a partner, in the envelope', async () => {
    const server = gateway.app.getHttpServer();
    const anonymous = await request(server).get('/metrics').expect(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    const partner = await request(server).get('/metrics').set(auth(partnerToken)).expect(403);
    expect(partner.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('counts requests by route template and status, never by raw path', async () => {
    const server = gateway.app.getHttpServer();
    await request(server).get('/items/product').set(auth(partnerToken)).expect(200);
    await request(server).get('/items/product/%2F01%2F09506000134352').set(auth(partnerToken));
    // An unknown collection is refused as a forbidden one is (Directus: no existence oracle).
    await request(server).get('/items/no_such_collection').set(auth(partnerToken)).expect(403);
    const { text } = await request(server)
      .get('/metrics')
      .set(auth(gateway.adminToken))
      .expect(200);
    expect(text).toMatch(
      /^sid_http_request_duration_seconds_count\{method="GET",route="\/items\/:collection",status="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^sid_http_request_duration_seconds_count\{method="GET",route="\/items\/:collection",status="403"\} 1$/m,
    );
    expect(text).toMatch(/route="\/items\/:collection\/\*id"/);
    expect(text).not.toContain('09506000134352');
    expect(text).toMatch(/^sid_queue_jobs\{queue="code-export",state="waiting"\} 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });

  it("returns the caller's X-Request-Id, or a new one when it is missing or unusable", async () => {
    const server = gateway.app.getHttpServer();
    const given = await request(server).get('/server/ping').set('X-Request-Id', 'order-42.a');
    expect(given.headers['x-request-id']).toBe('order-42.a');
    const made = await request(server).get('/server/ping');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unusable = await request(server).get('/server/ping').set('X-Request-Id', 'a b"c');
    expect(unusable.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
