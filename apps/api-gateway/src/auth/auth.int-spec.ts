import request from 'supertest';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/** `/auth/login`, `/auth/refresh`, `/auth/logout`, `/users/me` and passwords, over HTTP. */
describe('login sessions', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let admin: { Authorization: string };
  let partner: { id: string; token: string };
  const PASSWORD = 'correct horse battery';

  const login = (body: Record<string, unknown>) => http.post('/auth/login').send(body);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const cookieOf = (response: request.Response, name: string): string | undefined =>
    ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((cookie) => cookie.startsWith(`${name}=`));

  beforeAll(async () => {
    gateway = await createGatewayTestApp('auth', { ACCESS_TOKEN_TTL_S: '60' });
    http = request(gateway.app.getHttpServer());
    admin = bearer(gateway.adminToken);
    const created = await http
      .post('/users')
      .set(admin)
      .send({ email: 'ops@example.com', account_name: 'Ops', password: PASSWORD })
      .expect(200);
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);
    expect(created.body.data).not.toHaveProperty('password');
    partner = { id: created.body.data.id, token: created.body.data.token };
  });
  afterAll(() => gateway?.close());

  it('signs in with a password and reads /users/me with the access token; static tokens still work', async () => {
    const signed = await login({ email: 'ops@example.com', password: PASSWORD }).expect(200);
    expect(signed.body.data).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expires: 60_000,
      refresh_token: expect.any(String),
    });
    const me = await http
      .get('/users/me?fields=id,email')
      .set(bearer(signed.body.data.access_token))
      .expect(200);
    expect(me.body.data).toEqual({ id: partner.id, email: 'ops@example.com' });
    await http.get('/users/me').set(bearer(partner.token)).expect(200);
    await http.get('/items/product').set(bearer(signed.body.data.access_token)).expect(200);
  });

  it('refuses a wrong password, an unknown user and a forged token alike', async () => {
    for (const body of [
      { email: 'ops@example.com', password: 'wrong password' },
      { email: 'nobody@example.com', password: PASSWORD },
    ]) {
      const refused = await login(body).expect(401);
      expect(refused.body.errors[0]).toEqual({
        message: 'Invalid user credentials.',
        extensions: { code: 'INVALID_CREDENTIALS' },
      });
    }
    await login({ email: 'ops@example.com' }).expect(400);
    await login({ email: 'ops@example.com', password: PASSWORD, mode: 'x' }).expect(400);
    const { access_token } = (await login({ email: 'ops@example.com', password: PASSWORD })).body
      .data;
    const [header, payload] = access_token.split('.');
    await http
      .get('/users/me')
      .set(bearer(`${header}.${payload}.forged`))
      .expect(401);
  });

  it('rotates the refresh token; a rotated one used again revokes the whole session', async () => {
    const first = (await login({ email: 'ops@example.com', password: PASSWORD })).body.data;
    const second = (
      await http.post('/auth/refresh').send({ refresh_token: first.refresh_token }).expect(200)
    ).body.data;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await http.get('/users/me').set(bearer(second.access_token)).expect(200);
    // The first refresh token again: refused, and the family's current token dies with it.
    await http.post('/auth/refresh').send({ refresh_token: first.refresh_token }).expect(401);
    await http.post('/auth/refresh').send({ refresh_token: second.refresh_token }).expect(401);
    // Another sign-in is another family, untouched.
    const other = (await login({ email: 'ops@example.com', password: PASSWORD })).body.data;
    await http.post('/auth/refresh').send({ refresh_token: other.refresh_token }).expect(200);
    await http.post('/auth/refresh').send({ refresh_token: 'not-a-token' }).expect(401);
    await http.post('/auth/refresh').send({}).expect(400);
  });

  it('logs out: the refresh token no longer works', async () => {
    const session = (await login({ email: 'ops@example.com', password: PASSWORD })).body.data;
    await http.post('/auth/logout').send({ refresh_token: session.refresh_token }).expect(204);
    await http.post('/auth/refresh').send({ refresh_token: session.refresh_token }).expect(401);
  });

  it('keeps the tokens in httpOnly, SameSite=Strict cookies in cookie and session modes', async () => {
    const cookie = await login({
      email: 'ops@example.com',
      password: PASSWORD,
      mode: 'cookie',
    }).expect(200);
    expect(cookie.body.data).toEqual({ access_token: expect.any(String), expires: 60_000 });
    const refreshCookie = cookieOf(cookie, 'directus_refresh_token') as string;
    expect(refreshCookie).toMatch(/HttpOnly/);
    expect(refreshCookie).toMatch(/SameSite=Strict/);
    expect(refreshCookie).not.toMatch(/Secure/); // only in production
    const refreshed = await http
      .post('/auth/refresh')
      .set('Cookie', refreshCookie.split(';')[0])
      .send({ mode: 'cookie' })
      .expect(200);
    expect(refreshed.body.data).not.toHaveProperty('refresh_token');

    const session = await login({
      email: 'ops@example.com',
      password: PASSWORD,
      mode: 'session',
    }).expect(200);
    expect(session.body.data).toEqual({ expires: 60_000 });
    const sessionCookie = (cookieOf(session, 'directus_session_token') as string).split(';')[0];
    await http.get('/users/me').set('Cookie', sessionCookie).expect(200);
    // The queue dashboard reads the same cookie: no token in its URL.
    await http.get('/admin/queues/api/queues').set('Cookie', sessionCookie).expect(403);
    await http.get('/admin/queues/api/queues').expect(401);
    // A browser without the cookie gets the sign-in form, which logs in in session mode.
    const form = await http.get('/admin/queues').set('Accept', 'text/html').expect(401);
    // Its script is a file of the dashboard's own, the only kind its CSP lets run.
    expect(form.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(form.text).not.toMatch(/<script>/);
    const src = /<script src="([^"]+)"><\/script>/.exec(form.text)?.[1];
    expect(src).toBe('/admin/queues/sign-in.js');
    const script = await http.get(src as string).expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toMatch(/mode: 'session'/);
  });

  it('lets the queue dashboard in an admin signed in with the session cookie', async () => {
    await http.patch('/users/me').set(admin).send({ password: 'admin password 1' }).expect(200);
    const session = await login({
      email: 'admin@example.com',
      password: 'admin password 1',
      mode: 'session',
    }).expect(200);
    const sessionCookie = (cookieOf(session, 'directus_session_token') as string).split(';')[0];
    const queues = await http
      .get('/admin/queues/api/queues')
      .set('Cookie', sessionCookie)
      .expect(200);
    expect(queues.body.queues.length).toBeGreaterThan(0);
  });

  it('changes a password with PATCH /users/<id>: admins any user, a user only themself', async () => {
    const patched = await http
      .patch(`/users/${partner.id}`)
      .set(admin)
      .send({ password: 'a new password' })
      .expect(200);
    expect(JSON.stringify(patched.body)).not.toContain('a new password');
    await login({ email: 'ops@example.com', password: PASSWORD }).expect(401);
    await login({ email: 'ops@example.com', password: 'a new password' }).expect(200);
    const [adminUser] = (
      await http.get('/users?fields=id&filter[email][_eq]=admin@example.com').set(admin)
    ).body.data;
    await http
      .patch(`/users/${adminUser.id}`)
      .set(bearer(partner.token))
      .send({ password: 'taken over!' })
      .expect(403);
    await http
      .patch('/users/me')
      .set(bearer(partner.token))
      .send({ password: 'short' })
      .expect(400);
  });
});
