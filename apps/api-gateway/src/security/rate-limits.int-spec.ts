import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * RATE_LIMITER_* on, counted in Redis under the suite's own prefix. Each test comes from its own
 * client address (X-Forwarded-For, trusted from loopback), so their budgets do not mix.
 */
describe('rate limits', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  const from = (address: string) => ({ 'X-Forwarded-For': address });

  beforeAll(async () => {
    gateway = await createGatewayTestApp('ratelimit', {
      RATE_LIMITER_ENABLED: 'true',
      RATE_LIMITER_POINTS: '8',
      RATE_LIMITER_DURATION: '60',
      RATE_LIMITER_AUTH_POINTS: '3',
      RATE_LIMITER_AUTH_DURATION: '60',
      TRUST_PROXY: 'loopback',
    });
    http = request(gateway.app.getHttpServer());
  });

  afterAll(async () => gateway?.close());

  function expectTooMany(response: request.Response) {
    expect(response.status).toBe(429);
    expect(response.body).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'REQUESTS_EXCEEDED' } }],
    });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  }

  it('answers 429 in the envelope once an address has spent its requests', async () => {
    for (let i = 0; i < 8; i++) await http.get('/server/ping').set(from('203.0.113.1')).expect(200);
    expectTooMany(await http.get('/server/ping').set(from('203.0.113.1')));
    // Another address is not affected.
    await http.get('/server/ping').set(from('203.0.113.2')).expect(200);
  });

  it('throttles wrong tokens per address sooner, the right token included', async () => {
    const client = from('203.0.113.3');
    for (let i = 0; i < 3; i++) {
      await http.get('/items/product').set(client).set('Authorization', 'Bearer wrong').expect(401);
    }
    expectTooMany(
      await http.get('/items/product').set(client).set('Authorization', 'Bearer wrong'),
    );
    expectTooMany(
      await http
        .get('/items/product')
        .set(client)
        .set('Authorization', `Bearer ${gateway.adminToken}`),
    );
    // A partner at another address still gets in.
    await http
      .get('/items/product')
      .set(from('203.0.113.4'))
      .set('Authorization', `Bearer ${gateway.adminToken}`)
      .expect(200);
  });

  it('counts wrong passwords at /auth/login against the same budget: no guessing at speed', async () => {
    const client = from('203.0.113.5');
    const guess = (password: string) =>
      http.post('/auth/login').set(client).send({ email: 'admin@example.com', password });
    for (let i = 0; i < 3; i++) await guess(`guess number ${i}`).expect(401);
    expectTooMany(await guess('guess number 3'));
    // A refresh token is guessed no faster.
    expectTooMany(
      await http.post('/auth/refresh').set(client).send({ refresh_token: 'not-a-refresh-token' }),
    );
    // Another address may still sign in (and fail) as usual.
    await http
      .post('/auth/login')
      .set(from('203.0.113.6'))
      .send({ email: 'admin@example.com', password: 'guess number 4' })
      .expect(401);
  });
});
