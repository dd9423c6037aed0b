import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { runMigrations } from '@sid/shared/database';
import {
  AppProcess,
  createTestDatabase,
  eventually,
  LOCAL_S3_CREDENTIALS,
  LocalS3,
  startLocalS3,
  startApp,
  TestDatabase,
} from '@sid/shared/testing';
import { PartnerApi } from './partner-api';

/**
 * The whole path a partner follows, against the four apps running as separate processes:
 * create a product, generate codes, reserve some (twice), download the exports.
 */
describe('platform, end to end', () => {
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const gtin = '09506000134352';
  const product = `/01/${gtin}`;
  let db: TestDatabase;
  let s3: LocalS3;
  let s3Dir: string;
  let apps: AppProcess[] = [];
  let api: PartnerApi;

  beforeAll(async () => {
    db = await createTestDatabase('e2e');
    await runMigrations(db.url);
    s3Dir = mkdtempSync(join(tmpdir(), 'sid-e2e-s3-'));
    s3 = await startLocalS3({ port: 0, directory: s3Dir });
    const port = 20000 + (randomBytes(2).readUInt16BE(0) % 20000);
    const env = {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      S3_BUCKET: 'e2e-exports',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_TOKEN: token,
      LINK_DOMAIN: 'id.brand.example',
      PORT: String(port),
      GENERATOR_CHUNK_SIZE: '1000',
      RESERVATION_BATCH_SIZE: '250',
    };
    const started = await Promise.allSettled(
      (['api-gateway', 'generator-worker', 'reservation-worker', 'export-worker'] as const).map(
        (name) => startApp(name, env),
      ),
    );
    apps = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    api = new PartnerApi(`http://127.0.0.1:${port}`, token);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await s3?.stop();
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('answers ping without a token, and nothing else without one', async () => {
    const anonymous = new PartnerApi(api.baseUrl, null);
    expect(await anonymous.get('/server/ping')).toEqual({ status: 200, body: 'pong' });
    const denied = await anonymous.get('/items/product');
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({
      errors: [{ extensions: { code: 'INVALID_CREDENTIALS' } }],
    });
    const wrong = await new PartnerApi(api.baseUrl, 'not-a-token').get('/items/product');
    expect(wrong.status).toBe(401);
  });

  it('serves the queue dashboard to admins only', async () => {
    expect((await new PartnerApi(api.baseUrl, null).get('/admin/queues')).status).toBe(401);
    const page = await new PartnerApi(api.baseUrl, null).get(`/admin/queues?access_token=${token}`);
    expect(page.status).toBe(200);
    const queues = await api.get<{ queues: { name: string }[] }>('/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['code-export', 'code-reservation', 'identifier-generation']),
    );
  });

  it('creates a product, generates codes, reserves them twice and exports each reservation', async () => {
    const created = await api.data('POST', '/items/product', {
      gtin,
      product_name: 'E2E Bearings',
    });
    expect(created).toMatchObject({
      id: product,
      gtin,
      digital_link: `https://id.brand.example/01/${gtin}`,
    });
    await api.data('POST', '/items/organisation', {
      id: '/417/9312345000012',
      name: 'Printer Pty',
    });

    const job = await api.data<{ id: string; status: string }>('POST', '/items/identifier_job', {
      product,
      quantity: 3000,
      reference_id: 'E2E-JOB',
    });
    expect(job.status).toBe('new');
    await eventually(
      async () => {
        const current = await api.data<{ status: string; quantity_created: number }>(
          'GET',
          `/items/identifier_job/${job.id}?fields=status,quantity_created`,
        );
        if (current.status === 'error') throw new Error(JSON.stringify(current));
        return current.status === 'complete' ? current : undefined;
      },
      60_000,
      'the identifier job to complete',
    );

    type Code = { code: string; digital_link: string; epc_join_key: string; status: string };
    const codes = await api.data<Code[]>(
      'GET',
      `/items/unique_code?limit=-1&fields=code,digital_link,epc_join_key,status&filter[identifier_job][_eq]=${job.id}`,
    );
    expect(codes).toHaveLength(3000);
    expect(new Set(codes.map((c) => c.code)).size).toBe(3000);
    for (const c of codes) {
      expect(c.code).toMatch(/^[0-9A-Za-z]{8}$/);
      expect(c.digital_link).toBe(`https://id.brand.example/01/${gtin}/21/${c.code}`);
      expect(c.epc_join_key).toBe(`${gtin}-${c.code}`);
      expect(c.status).toBe('unassigned');
    }

    const reserve = (export_type: string, reference_id: string) =>
      api.data<{ id: string }>('POST', '/items/code_reservation', {
        reserved_for: '/417/9312345000012',
        code_type: 'sgtin',
        product,
        quantity: 1200,
        export_type,
        reference_id,
        url_suffix: '?src=e2e',
      });
    const [first, second] = await Promise.all([
      reserve('csv', 'PO-CSV'),
      reserve('json', 'PO-JSON'),
    ]);

    type Reservation = {
      status: string;
      quantity_reserved: number;
      export_file: { id: string; filename_download: string } | null;
    };
    const finished = async (id: string) =>
      eventually(
        async () => {
          const r = await api.data<Reservation>(
            'GET',
            `/items/code_reservation/${id}?fields=status,quantity_reserved,export_file.id,export_file.filename_download`,
          );
          if (r.status === 'error') throw new Error(JSON.stringify(r));
          return r.status === 'complete' ? r : undefined;
        },
        60_000,
        `reservation ${id} to complete`,
      );
    const [firstDone, secondDone] = await Promise.all([finished(first.id), finished(second.id)]);
    expect(firstDone.quantity_reserved).toBe(1200);
    expect(secondDone.export_file?.filename_download).toBe('PO-JSON.json');

    const heldBy = async (id: string) =>
      (
        await api.data<{ code: string }[]>(
          'GET',
          `/items/unique_code?limit=-1&fields=code&filter[reservation][_eq]=${id}`,
        )
      ).map((c) => c.code);
    const firstCodes = await heldBy(first.id);
    const secondCodes = await heldBy(second.id);
    expect(firstCodes).toHaveLength(1200);
    expect(secondCodes).toHaveLength(1200);
    expect(firstCodes.filter((c) => secondCodes.includes(c))).toEqual([]);

    const csv = parseCsv(await api.text(`/assets/${firstDone.export_file!.id}`), {
      columns: true,
    }) as Record<string, string>[];
    expect(csv.map((row) => row.code).sort()).toEqual([...firstCodes].sort());
    for (const row of csv) {
      expect(row.digital_link).toBe(`https://id.brand.example/01/${gtin}/21/${row.code}?src=e2e`);
      expect(row.reference_id).toBe('PO-CSV');
    }
    const json = JSON.parse(await api.text(`/assets/${secondDone.export_file!.id}`)) as {
      codes: { code: string }[];
    };
    expect(json.codes.map((c) => c.code).sort()).toEqual([...secondCodes].sort());

    const metadata = await api.data<{ filesize: number; type: string }>(
      'GET',
      `/files/${firstDone.export_file!.id}`,
    );
    expect(metadata.type).toMatch(/^text\/csv/);
    expect(metadata.filesize).toBeGreaterThan(1200 * 40);

    const pool = await api.data<{ status: string; count: number }[]>(
      'GET',
      `/items/unique_code?aggregate[count]=*&groupBy[]=status&filter[product][_eq]=${encodeURIComponent(product)}`,
    );
    expect(Object.fromEntries(pool.map((g) => [g.status, g.count]))).toEqual({
      reserved: 2400,
      unassigned: 600,
    });
  });

  it('exports XML that parses back to the reserved codes', async () => {
    const reservation = await api.data<{ id: string }>('POST', '/items/code_reservation', {
      product,
      quantity: 100,
      export_type: 'xml',
      reference_id: 'PO <XML> & "more"',
    });
    const done = await eventually(
      async () => {
        const r = await api.data<{ status: string; export_file: string | null }>(
          'GET',
          `/items/code_reservation/${reservation.id}?fields=status,export_file`,
        );
        return r.status === 'complete' ? r : undefined;
      },
      60_000,
      'the XML reservation',
    );
    const xml = new XMLParser({ ignoreAttributes: false }).parse(
      await api.text(`/assets/${done.export_file}`),
    );
    const root = xml.code_reservation;
    expect(root['@_reference_id']).toBe('PO <XML> & "more"');
    const rows = [root.codes.unique_code].flat() as { code: string }[];
    expect(rows).toHaveLength(100);
  });

  it('refuses bad input with a 400 in the error envelope and writes nothing', async () => {
    const count = async (collection: string) =>
      (
        await api.request<{ meta: { total_count: number } }>(
          'GET',
          `/items/${collection}?meta=total_count&limit=0`,
        )
      ).body.meta.total_count;
    const before = {
      product: await count('product'),
      job: await count('identifier_job'),
      reservation: await count('code_reservation'),
    };

    const cases: [string, string, unknown, RegExp][] = [
      ['GET', '/items/product?filter[gtin][_like]=1', undefined, /unknown operator "_like"/],
      ['GET', '/items/product?filter={not json', undefined, /filter/],
      [
        'POST',
        '/items/product',
        { gtin: '09506000134353' },
        /wrong check digit: expected 2, got 3/,
      ],
      [
        'POST',
        '/items/identifier_job',
        { product, quantity: 0 },
        /"quantity": must not be less than 1/,
      ],
      [
        'POST',
        '/items/identifier_job',
        { product, quantity: 1_000_001 },
        /"quantity": must not be greater than 1000000/,
      ],
      [
        'POST',
        '/items/identifier_job',
        { product: '/01/00012345600012', quantity: 10 },
        /Product "\/01\/00012345600012" does not exist/,
      ],
      [
        'POST',
        '/items/identifier_job',
        { product, quantity: 1_000_000, length: 6, character_set: 'numeric' },
        /length 6 .*use length \d+ or more/,
      ],
      [
        'POST',
        '/items/code_reservation',
        { product: '/01/00012345600012', quantity: 5 },
        /does not exist/,
      ],
      [
        'POST',
        '/items/code_reservation',
        { product, quantity: 5, export_type: 'pdf' },
        /"export_type": must be one of csv, json, xml/,
      ],
      ['POST', '/items/product', '{"gtin": ', /not valid JSON/],
      [
        'POST',
        '/items/product',
        { gtin, colour: 'red' },
        /"colour" is not a field that can be written/,
      ],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await api.request<{
        errors: { message: string; extensions: { code: string } }[];
      }>(method, path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.errors[0].message).toMatch(message);
      expect(response.body.errors[0].extensions.code).toMatch(/^INVALID_(PAYLOAD|QUERY)$/);
    }
    expect({
      product: await count('product'),
      job: await count('identifier_job'),
      reservation: await count('code_reservation'),
    }).toEqual(before);
    const unknownItem = await api.get('/items/identifier_job/00000000-0000-0000-0000-000000000000');
    expect(unknownItem.status).toBe(403);
    // An unknown collection is refused like a forbidden one, as Directus does.
    const unknownCollection = await api.get<{ errors: { extensions: { code: string } }[] }>(
      '/items/no_such_collection',
    );
    expect(unknownCollection.status).toBe(403);
    expect(unknownCollection.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await api.get('/no/such/route')).status).toBe(404);
  });
});
