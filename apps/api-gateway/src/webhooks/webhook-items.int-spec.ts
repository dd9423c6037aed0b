import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/**
 * `/items/webhook` and `/items/webhook_delivery` through the real gateway: the secret is shown
 * once, URLs that could reach inside are refused, deliveries are read-only, accounts stay apart.
 */
describe('webhook items', () => {
  let gateway: GatewayTestApp;
  let partnerToken: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const http = () => request(gateway.app.getHttpServer());

  beforeAll(async () => {
    gateway = await createGatewayTestApp('webhook_items', { NODE_ENV: 'development' });
    const created = await http()
      .post('/users')
      .set(auth(gateway.adminToken))
      .send({ email: 'printer@example.com', account_name: 'Printer Co' })
      .expect(200);
    partnerToken = created.body.data.token;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('shows the secret in the answer to the POST only', async () => {
    const created = await http()
      .post('/items/webhook')
      .set(auth(partnerToken))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['export.ready', 'pool.low'] })
      .expect(200);
    expect(created.body.data).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['export.ready', 'pool.low'],
      active: true,
    });
    expect(created.body.data.secret).toMatch(/^whsec_/);
    const id = created.body.data.id;

    const read = await http().get(`/items/webhook/${id}`).set(auth(partnerToken)).expect(200);
    expect(read.body.data.id).toBe(id);
    expect(read.body.data).not.toHaveProperty('secret');
    const asked = await http().get(`/items/webhook/${id}?fields=secret`).set(auth(partnerToken));
    expect(asked.status).toBe(400);
    const patched = await http()
      .patch(`/items/webhook/${id}`)
      .set(auth(partnerToken))
      .send({ active: false })
      .expect(200);
    expect(patched.body.data).toMatchObject({ active: false });
    expect(patched.body.data).not.toHaveProperty('secret');

    // Another account neither sees nor changes it.
    const list = await http().get('/items/webhook').set(auth(gateway.adminToken)).expect(200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(id); // admins see all
    const other = await http()
      .post('/users')
      .set(auth(gateway.adminToken))
      .send({ email: 'other@example.com', account_name: 'Other Co' })
      .expect(200);
    const otherToken = other.body.data.token;
    expect((await http().get('/items/webhook').set(auth(otherToken))).body.data).toEqual([]);
    await http()
      .patch(`/items/webhook/${id}`)
      .set(auth(otherToken))
      .send({ active: true })
      .expect(403);
    await http().delete(`/items/webhook/${id}`).set(auth(otherToken)).expect(403);
    await http().delete(`/items/webhook/${id}`).set(auth(partnerToken)).expect(204);
  });

  it.each([
    ['http://10.0.0.5/hook', 'must be an https URL'],
    ['https://10.0.0.5/hook', 'must not point at a private, loopback or link-local address'],
    ['https://169.254.169.254/latest/meta-data', 'must not point at a private'],
    ['https://[fe80::1]/hook', 'must not point at a private'],
    ['gopher://127.0.0.1/', 'must be an https URL'],
    ['not a url', 'must be an absolute URL'],
  ])('refuses %s with a 400', async (url, message) => {
    const refused = await http()
      .post('/items/webhook')
      .set(auth(partnerToken))
      .send({ url, events: ['export.ready'] })
      .expect(400);
    expect(refused.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect(refused.body.errors[0].message).toContain(message);
  });

  it('refuses unknown events, an empty list and unknown fields', async () => {
    for (const body of [
      { url: 'http://127.0.0.1:9/', events: ['export.done'] },
      { url: 'http://127.0.0.1:9/', events: [] },
      { url: 'http://127.0.0.1:9/', events: ['export.ready'], secret: 'mine' },
    ]) {
      const refused = await http().post('/items/webhook').set(auth(partnerToken)).send(body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    }
  });

  it("passes the gateway's write guard before its own rules", async () => {
    // The guard's column rule (no NUL) answers before the DTO's list of events would.
    const created = await http()
      .post('/items/webhook')
      .set(auth(partnerToken))
      .send({ url: 'http://127.0.0.1:9/', events: ['export.ready\u0000'] });
    expect(created.status).toBe(400);
    expect(created.body.errors[0].message).toContain('NUL');
    const { id } = (
      await http()
        .post('/items/webhook')
        .set(auth(partnerToken))
        .send({ url: 'http://127.0.0.1:9/', events: ['export.ready'] })
        .expect(200)
    ).body.data;
    const patched = await http()
      .patch(`/items/webhook/${id}`)
      .set(auth(partnerToken))
      .send({ url: `http://127.0.0.1:9/${'x'.repeat(2000)}` });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].message).toContain('"url" must be at most 2000 characters');
    // A path id that is no uuid is the guard's 400 too, not a database error.
    const odd = await http().patch('/items/webhook/not-a-uuid').set(auth(partnerToken)).send({});
    expect(odd.status).toBe(400);
  });

  it('serves the delivery log read-only', async () => {
    const list = await http().get('/items/webhook_delivery').set(auth(partnerToken)).expect(200);
    expect(list.body.data).toEqual([]);
    const write = await http()
      .post('/items/webhook_delivery')
      .set(auth(partnerToken))
      .send({ status: 'delivered' })
      .expect(400);
    expect(write.body.errors[0].message).toContain('read-only');
  });
});
