import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/** helmet as configured: on every response, strict CSP except on the queue dashboard. */
describe('security headers', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    gateway = await createGatewayTestApp('headers');
    http = request(gateway.app.getHttpServer());
  });

  afterAll(async () => gateway?.close());

  function expectApiHeaders(response: request.Response) {
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/(^|;)sandbox(;|$)/);
  }

  it('sends them on answers, errors, refused credentials and unknown routes alike', async () => {
    const admin = { Authorization: `Bearer ${gateway.adminToken}` };
    expectApiHeaders(await http.get('/server/ping').expect(200));
    expectApiHeaders(await http.get('/items/product').set(admin).expect(200));
    expectApiHeaders(await http.get('/items/product?filter[id][_eq]=').set(admin).expect(400));
    expectApiHeaders(await http.get('/items/product').expect(401));
    expectApiHeaders(await http.get('/no/such/route').set(admin).expect(404));
  });

  it("gives the dashboard a CSP that lets its own scripts run, and nothing else's", async () => {
    const response = await http.get(`/admin/queues?access_token=${gateway.adminToken}`).expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
