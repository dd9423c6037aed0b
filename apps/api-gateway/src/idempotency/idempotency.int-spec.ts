import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

const PRODUCT = '/01/09506000134352';

/** `Idempotency-Key` on POST/PATCH/DELETE, as Stripe answers it. */
describe('Idempotency-Key', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let auth: { Authorization: string };
  const sql = (text: string, params: unknown[] = []) =>
    gateway.app.get<DataSource>(getDataSourceToken()).query(text, params);
  const reservations = async (reference: string): Promise<number> =>
    (
      await sql(`SELECT count(*)::int AS n FROM code_reservation WHERE reference_id = $1`, [
        reference,
      ])
    )[0].n;

  beforeAll(async () => {
    gateway = await createGatewayTestApp('idempotency');
    http = request(gateway.app.getHttpServer());
    auth = { Authorization: `Bearer ${gateway.adminToken}` };
    await http.post('/items/product').set(auth).send({ gtin: '09506000134352' }).expect(200);
  });
  afterAll(() => gateway?.close());

  it('makes one reservation of ten concurrent requests with the same key', async () => {
    const body = { product: PRODUCT, quantity: 5, reference_id: 'PO-TEN' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        http
          .post('/items/code_reservation?fields=id,reference_id')
          .set(auth)
          .set('Idempotency-Key', 'reserve-po-ten')
          .send(body),
      ),
    );
    expect(await reservations('PO-TEN')).toBe(1);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const [{ id }] = await sql(`SELECT id FROM code_reservation WHERE reference_id = 'PO-TEN'`);
    for (const answer of ok) expect(answer.body.data).toEqual({ id, reference_id: 'PO-TEN' });
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(answer.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }

    // A retry after the first finished: the same answer, replayed, and still one reservation.
    const retry = await http
      .post('/items/code_reservation?fields=id,reference_id')
      .set(auth)
      .set('Idempotency-Key', 'reserve-po-ten')
      .send(body)
      .expect(200)
      .expect('Idempotent-Replayed', 'true');
    expect(retry.body.data).toEqual({ id, reference_id: 'PO-TEN' });
    expect(await reservations('PO-TEN')).toBe(1);
  });

  it('answers a 422 when the key comes back with another body', async () => {
    const send = (quantity: number) =>
      http
        .post('/items/code_reservation')
        .set(auth)
        .set('Idempotency-Key', 'reserve-po-other')
        .send({ product: PRODUCT, quantity, reference_id: 'PO-OTHER' });
    await send(5).expect(200);
    const other = await send(6).expect(422);
    expect(other.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await reservations('PO-OTHER')).toBe(1);
  });

  it('frees the key of a request that failed, and replays PATCH and DELETE', async () => {
    await http
      .post('/items/code_reservation')
      .set(auth)
      .set('Idempotency-Key', 'fix-and-retry')
      .send({ product: PRODUCT, quantity: 0 })
      .expect(400);
    const fixed = await http
      .post('/items/code_reservation')
      .set(auth)
      .set('Idempotency-Key', 'fix-and-retry')
      .send({ product: PRODUCT, quantity: 3, reference_id: 'PO-FIXED' })
      .expect(200);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    const path = `/items/code_reservation/${fixed.body.data.id}`;
    for (let i = 0; i < 2; i++) {
      const patched = await http
        .patch(path)
        .set(auth)
        .set('Idempotency-Key', 'rename')
        .send({ reference_id: 'PO-RENAMED' })
        .expect(200);
      expect(patched.headers['idempotent-replayed']).toBe(i === 0 ? undefined : 'true');
    }
    await http.delete(path).set(auth).set('Idempotency-Key', 'remove').expect(204);
    await http
      .delete(path)
      .set(auth)
      .set('Idempotency-Key', 'remove')
      .expect(204)
      .expect('Idempotent-Replayed', 'true');
    const long = await http
      .post('/items/product')
      .set(auth)
      .set('Idempotency-Key', 'k'.repeat(256))
      .send({ gtin: '00012345600012' })
      .expect(400);
    expect(long.body.errors[0].message).toMatch(/Idempotency-Key/);
  });

  it('forgets a key after 24 hours', async () => {
    await sql(
      `UPDATE idempotency_key SET date_created = now() - interval '25 hours' WHERE key = 'reserve-po-other'`,
    );
    await http
      .post('/items/code_reservation')
      .set(auth)
      .set('Idempotency-Key', 'reserve-po-other')
      .send({ product: PRODUCT, quantity: 6, reference_id: 'PO-OTHER' })
      .expect(200);
    expect(await reservations('PO-OTHER')).toBe(2);
  });
});
