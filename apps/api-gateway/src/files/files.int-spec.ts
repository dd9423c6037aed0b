import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ReservationExportService } from '@sid/exports';
import { AppConfig } from '@sid/shared/config';
import { LocalS3, startLocalS3 } from '@sid/shared/testing';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

/** `/files/<id>` and `/assets/<id>` over HTTP, in-process, with a real export in a local s3rver. */
describe('files and assets API', () => {
  const GTIN = '09506000134352';
  let s3Directory: string;
  let s3: LocalS3;
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let partner: { token: string; account: string };
  let fileId: string;
  let content: Buffer;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    s3Directory = await mkdtemp(join(tmpdir(), 'sid-files-s3-'));
    s3 = await startLocalS3({ port: 0, directory: s3Directory });
    gateway = await createGatewayTestApp('files', {
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: `files-${randomBytes(4).toString('hex')}`,
    });
    http = request(gateway.app.getHttpServer());
    const created = await http
      .post('/users')
      .set(auth(gateway.adminToken))
      .send({ email: 'printer@example.com', first_name: 'Pat', account_name: 'Printer Co' })
      .expect(200);
    partner = { token: created.body.data.token, account: created.body.data.account };
    await http
      .post('/items/product')
      .set(auth(gateway.adminToken))
      .send({ gtin: GTIN })
      .expect(200);

    fileId = await exportedFile('PO 7 "north"');
    const response = await http
      .get(`/assets/${fileId}`)
      .set(auth(gateway.adminToken))
      .set('Accept-Encoding', 'identity')
      .expect(200);
    content = Buffer.from(response.text);
  });

  /** A reservation of the admin's account holding 3 codes, exported by the real service. */
  async function exportedFile(reference: string): Promise<string> {
    const db = gateway.app.get(DataSource);
    const [{ account }] = await db.query(
      `SELECT account FROM app_user WHERE email = 'admin@example.com'`,
    );
    const [{ id }] = await db.query(
      `INSERT INTO code_reservation (account, product, quantity, quantity_reserved, status, reference_id)
       VALUES ($1, $2, 3, 3, 'in_progress', $3) RETURNING id`,
      [account, `/01/${GTIN}`, reference],
    );
    await db.query(
      `INSERT INTO unique_code (account, type, product, reservation, status, code, digital_link)
       SELECT $1, 'sgtin', $2, $3, 'reserved', $4 || c, 'https://id.test.example/01/${GTIN}/21/' || $4 || c
       FROM unnest(ARRAY['A1', 'B2', 'C3']) AS c`,
      [account, `/01/${GTIN}`, id, reference.slice(0, 2)],
    );
    expect(await gateway.app.get(ReservationExportService).run(id)).toBe('exported');
    const [{ export_file }] = await db.query(
      `SELECT export_file FROM code_reservation WHERE id = $1`,
      [id],
    );
    return export_file;
  }

  afterAll(async () => {
    await gateway?.close();
    await s3?.stop();
    if (s3Directory) await rm(s3Directory, { recursive: true, force: true });
  });

  it('streams the content with its type, size, checksum and name', async () => {
    const response = await http
      .get(`/assets/${fileId}`)
      .set(auth(gateway.adminToken))
      .set('Accept-Encoding', 'identity')
      .expect(200);

    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(
      'code,digital_link,epc_join_key,type,product,status,activation_status,blacklist_reason,reservation,reference_id',
    );
    expect(
      lines
        .slice(1, -1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual(['POA1', 'POB2', 'POC3']);
    expect(lines.at(-1)).toBe('');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBe(String(content.length));
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.headers['content-disposition']).toBe('inline; filename="PO_7_north_.csv"');
    expect(response.headers.etag).toBe(`"${createHash('sha256').update(content).digest('hex')}"`);

    const download = await http
      .get(`/assets/${fileId}?download`)
      .set(auth(gateway.adminToken))
      .expect(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename="PO_7_north_.csv"');

    const metadata = await http.get(`/files/${fileId}`).set(auth(gateway.adminToken)).expect(200);
    expect(metadata.body.data).toMatchObject({
      id: fileId,
      filename_download: 'PO_7_north_.csv',
      type: 'text/csv; charset=utf-8',
      filesize: content.length,
    });
  });

  it('gives a caller that accepts gzip the stored compressed bytes, marked so', async () => {
    const response = await http
      .get(`/assets/${fileId}`)
      .set(auth(gateway.adminToken))
      .set('Accept-Encoding', 'gzip, deflate, br')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);

    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers.etag).toBe(
      `"${createHash('sha256').update(content).digest('hex')}-gzip"`,
    );
    // superagent decompresses what it is told is gzip: the body is the content either way.
    expect(response.body).toEqual(content);
  });

  it('serves a file stored uncompressed as it is', async () => {
    const config = gateway.app.get(AppConfig);
    config.EXPORT_CONTENT_ENCODING = 'identity';
    try {
      const plainId = await exportedFile('XY plain');
      const response = await http
        .get(`/assets/${plainId}`)
        .set(auth(gateway.adminToken))
        .set('Accept-Encoding', 'gzip')
        .expect(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers.vary).toBeUndefined();
      expect(response.text).toContain('\r\nXYA1,');
      expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.text)));
    } finally {
      config.EXPORT_CONTENT_ENCODING = 'gzip';
    }
  });

  it('is refused to callers who may not read the reservation, and to anonymous ones', async () => {
    const refused = await http.get(`/assets/${fileId}`).set(auth(partner.token)).expect(403);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    await http.get(`/assets/${fileId}?redirect=1`).set(auth(partner.token)).expect(403);
    await http.get(`/assets/${fileId}`).expect(401);
    await http
      .get('/assets/00000000-0000-4000-8000-000000000000')
      .set(auth(gateway.adminToken))
      .expect(403);
  });

  it('?redirect answers 302 to a short-lived presigned URL that serves the same bytes', async () => {
    const response = await http
      .get(`/assets/${fileId}?redirect=1`)
      .set(auth(gateway.adminToken))
      .expect(302);

    expect(response.headers['cache-control']).toBe('no-store');
    const location = new URL(response.headers.location);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    // The stored object, as stored: fetch decompresses it, as browsers do.
    expect(fetched.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(content);

    await http.get(`/assets/${fileId}?redirect=0`).set(auth(gateway.adminToken)).expect(200);
  });
});
