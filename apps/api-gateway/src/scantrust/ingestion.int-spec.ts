import { createHash } from 'node:crypto';
import request from 'supertest';
import { fromBuffer, ZipFile } from 'yauzl';
import { parse as parseCsv } from 'csv-parse/sync';
import { eventually } from '@sid/shared/testing';
import {
  finished,
  PRODUCT,
  GTIN,
  processFile,
  ScantrustTestEnv,
  startScantrustTestEnv,
  uploadFile,
} from '../testing/scantrust-test-env';

/**
 * Scantrust's code upload end to end: the gateway in-process, a local s3rver taking the client's
 * presigned POST, and the generator and export workers as real processes.
 */
let env: ScantrustTestEnv;
let brand: { token: string; account: string };
const uat = (token: string) => ({ Authorization: `UAT ${token}` });

beforeAll(async () => {
  env = await startScantrustTestEnv('ingestion');
  await Promise.all([env.start('generator-worker'), env.start('export-worker')]);
  brand = await env.user();
  await env.http
    .post('/items/product')
    .set('Authorization', `Bearer ${brand.token}`)
    .send({ gtin: GTIN, custom_id: 'sku1' })
    .expect(200);
});

afterAll(async () => {
  await env?.close();
});

async function codesOf(account: string, ids: string[]) {
  return env.db.query(
    `SELECT code, type, status, product, digital_link, activation_status, blacklist_reason, scm_data,
            workorder::int AS workorder
     FROM unique_code WHERE account = $1 AND code = ANY($2) ORDER BY code`,
    [account, ids],
  );
}

async function countCustom(): Promise<number> {
  const [{ count }] = await env.db.query(
    `SELECT count(*)::int AS count FROM unique_code WHERE type = 'custom'`,
  );
  return count;
}

/** The events recorded about `subject` (outbox rows, as the relay will publish them). */
async function eventsAbout(subject: string) {
  return env.db.query(
    `SELECT event, account, data FROM event_outbox WHERE subject = $1 ORDER BY date_created, event`,
    [subject],
  );
}

async function countWorkorders(): Promise<number> {
  const [{ count }] = await env.db.query(`SELECT count(*)::int AS count FROM workorder`);
  return count;
}

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(buffer, { lazyEntries: true }, (error, zip?: ZipFile) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const binary = (res: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('a CSV file', () => {
  const ids = ['abc12345', 'def12345', 'ghi12345', 'jkl12345'];
  let record: string;
  let workorderId: number;

  it('is uploaded with a real presigned POST and ends completed with one workorder', async () => {
    const csv = [
      'id,product,pallet_number,intended_market,activation_status,blacklist_reason',
      'abc12345,sku1,pal1,BE,,',
      `def12345,${GTIN},pal1,NL,0,`,
      'ghi12345,,pal2,DE,2,stolen',
      `jkl12345,${PRODUCT},pal2,FR,1,`,
    ].join('\n');
    record = await uploadFile(env.http, brand.token, 'csv', csv);
    expect(record).toMatch(/^[a-z0-9]{12}$/);
    const done = await processFile(env.http, brand.token, record, {
      default_scm_data: { updated_by: 'warehouse_1' },
    });
    expect(done).toMatchObject({
      key: record,
      status: 'completed',
      type: 'code',
      ingestion_mode: 'api',
      description: 'Code ingestion file upload',
      parameters: {
        default_scm_data: { updated_by: 'warehouse_1' },
        allow_posted_duplicates: false,
      },
    });
    workorderId = done.result_data.workorder_id as number;
    expect(Number.isInteger(workorderId)).toBe(true);
    expect(await eventsAbout(record)).toEqual([
      {
        event: 'ingestion_record.completed',
        account: brand.account,
        data: { workorder_id: workorderId, quantity: 4 },
      },
    ]);

    const codes = await codesOf(brand.account, ids);
    expect(codes).toEqual([
      {
        code: 'abc12345',
        type: 'custom',
        status: 'assigned',
        product: PRODUCT,
        digital_link: 'https://id.test.example/abc12345',
        activation_status: 1,
        blacklist_reason: null,
        scm_data: { pallet_number: 'pal1', intended_market: 'BE', updated_by: 'warehouse_1' },
        workorder: workorderId,
      },
      expect.objectContaining({ code: 'def12345', product: PRODUCT, activation_status: 0 }),
      expect.objectContaining({
        code: 'ghi12345',
        product: null,
        activation_status: 2,
        blacklist_reason: 'stolen',
      }),
      expect.objectContaining({ code: 'jkl12345', product: PRODUCT, activation_status: 1 }),
    ]);
  });

  it('shows its codes in /items/unique_code, filterable by activation_status', async () => {
    const { body } = await env.http
      .get('/items/unique_code')
      .query({
        'filter[type][_eq]': 'custom',
        'filter[activation_status][_eq]': '2',
        fields: 'code,blacklist_reason,scm_data',
      })
      .set('Authorization', `Bearer ${brand.token}`)
      .expect(200);
    expect(body.data).toEqual([
      {
        code: 'ghi12345',
        blacklist_reason: 'stolen',
        scm_data: { pallet_number: 'pal2', intended_market: 'DE', updated_by: 'warehouse_1' },
      },
    ]);
  });

  it('changes activation_status and blacklist_reason with PATCH, one code or many', async () => {
    const bearer = { Authorization: `Bearer ${brand.token}` };
    await env.http
      .patch('/items/unique_code')
      .set(bearer)
      .send({
        query: { filter: { code: { _in: ['abc12345', 'def12345'] } } },
        data: { activation_status: 2, blacklist_reason: 'lost in transit' },
      })
      .expect(200);
    const [{ id }] = await env.db.query(`SELECT id FROM unique_code WHERE code = 'def12345'`);
    await env.http
      .patch(`/items/unique_code/${id}`)
      .set(bearer)
      .send({ activation_status: 1, blacklist_reason: null })
      .expect(200);
    await env.http
      .patch(`/items/unique_code/${id}`)
      .set(bearer)
      .send({ activation_status: 3 })
      .expect(400);
    // The write guard answers first, as for every item write: column limits and NUL characters.
    const tooLong = await env.http
      .patch(`/items/unique_code/${id}`)
      .set(bearer)
      .send({ blacklist_reason: 'x'.repeat(501) })
      .expect(400);
    expect(tooLong.body.errors[0].message).toBe(
      '"blacklist_reason" must be at most 500 characters long, got 501.',
    );
    const nul = await env.http
      .patch('/items/unique_code')
      .set(bearer)
      .send({ keys: [id], data: { blacklist_reason: 'a\u0000b' } })
      .expect(400);
    expect(nul.body.errors[0].message).toMatch(/NUL character/);
    const codes = await codesOf(brand.account, ['abc12345', 'def12345']);
    expect(
      codes.map((c: { activation_status: number; blacklist_reason: string | null }) => [
        c.activation_status,
        c.blacklist_reason,
      ]),
    ).toEqual([
      [2, 'lost in transit'],
      [1, null],
    ]);
  });

  it('gets a workorder whose zip holds codes.csv, manifest.json and sample_qr.png', async () => {
    const workorder = await eventuallyCompleted(workorderId);
    expect(workorder).toMatchObject({
      id: workorderId,
      reference: record,
      quantity: 4,
      is_archived: false,
    });
    expect(await eventsAbout(String(workorderId))).toEqual([
      {
        event: 'workorder.completed',
        account: brand.account,
        data: expect.objectContaining({ quantity: 4, file_size: expect.any(Number) }),
      },
    ]);
    expect(workorder.download_url).toMatch(
      new RegExp(`/api/v2/workorders/${workorderId}/download/$`),
    );

    const zip = await env.http
      .get(`/api/v2/workorders/${workorderId}/download/`)
      .set(uat(brand.token))
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('content-type', /application\/zip/);
    const files = await unzip(zip.body as Buffer);
    expect([...files.keys()].sort()).toEqual(['codes.csv', 'manifest.json', 'sample_qr.png']);

    const csv = files.get('codes.csv') as Buffer;
    const rows: Record<string, string>[] = parseCsv(csv, { columns: true });
    const stored = await env.db.query(
      `SELECT id, code, digital_link FROM unique_code WHERE workorder = $1 ORDER BY code`,
      [workorderId],
    );
    expect(rows).toEqual(
      stored.map((c: { id: string; code: string; digital_link: string }, i: number) => ({
        extended_id: c.id,
        serial_number: c.code,
        sequence_number: String(i + 1),
        batch_number: '1',
        url: c.digital_link,
      })),
    );
    const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString());
    expect(manifest).toMatchObject({
      workorder: { id: workorderId, reference: record },
      counts: { codes: 4 },
      files: { 'codes.csv': { sha256: createHash('sha256').update(csv).digest('hex') } },
    });
    const png = files.get('sample_qr.png') as Buffer;
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const plain = await env.http
      .get(`/api/v2/workorders/${workorderId}/serial-numbers/`)
      .set(uat(brand.token))
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('content-type', /text\/csv/);
    expect((plain.body as Buffer).equals(csv)).toBe(true);
  });

  it('lists records and workorders as DRF pages, with filters and search', async () => {
    const { body } = await env.http
      .get('/api/v2/ingestion/?type=code&status=completed&limit=1')
      .set(uat(brand.token))
      .expect(200);
    expect(body.count).toBeGreaterThanOrEqual(1);
    expect(body.results).toHaveLength(1);
    expect(body.previous).toBeNull();
    const none = await env.http
      .get('/api/v2/ingestion/?status=cancelled')
      .set(uat(brand.token))
      .expect(200);
    expect(none.body).toEqual({ count: 0, next: null, previous: null, results: [] });

    const found = await env.http
      .get(`/api/v2/workorders/?search=${record}&is_archived=false`)
      .set(uat(brand.token))
      .expect(200);
    expect(found.body.results.map((w: { id: number }) => w.id)).toEqual([workorderId]);
  });

  it('refuses a second process of the same record', async () => {
    const { body } = await env.http
      .post('/api/v2/ingestion/codes/upload/process/')
      .set(uat(brand.token))
      .send({ record })
      .expect(400);
    expect(body).toEqual({
      detail: "Only code ingestion records of type S3 in state 'uploading' can be processed.",
    });
  });
});

async function eventuallyCompleted(id: number) {
  return eventually(
    async () => {
      const { body } = await env.http
        .get(`/api/v2/workorders/${id}/`)
        .set(uat(brand.token))
        .expect(200);
      return body.status === 'completed' ? body : undefined;
    },
    60_000,
    `workorder ${id} file`,
  );
}

describe('a JSON file', () => {
  it('takes defaults, a url prefix and JSON values', async () => {
    const json = JSON.stringify([
      { id: 'json0001', lot: 7, product: 'sku1' },
      { id: 'json0002', activation_status: 2, blacklist_reason: 'recalled' },
    ]);
    const record = await uploadFile(env.http, brand.token, 'json', json);
    const done = await processFile(env.http, brand.token, record, {
      default_scm_data: { activation_status: 0, lot: 1 },
      url_prefix: 'https://scan.brand.test/c/',
    });
    expect(done.status).toBe('completed');
    expect(await codesOf(brand.account, ['json0001', 'json0002'])).toEqual([
      expect.objectContaining({
        code: 'json0001',
        product: PRODUCT,
        activation_status: 0,
        digital_link: 'https://scan.brand.test/c/json0001',
        scm_data: { lot: 7 },
      }),
      expect.objectContaining({
        code: 'json0002',
        product: null,
        activation_status: 2,
        blacklist_reason: 'recalled',
        scm_data: { lot: 1 },
      }),
    ]);
  });
});

describe('a file with errors', () => {
  it('writes nothing and lists every kind of error with its ids', async () => {
    const before = { codes: await countCustom(), workorders: await countWorkorders() };
    const csv = [
      'id,product',
      'new00001,sku1',
      'short,sku1', // invalid id
      'new00002,nosuchsku', // unknown product
      'new00003,sku1',
      'new00003,sku1', // posted twice
      'abc12345,sku1', // exists already (the CSV test)
      'bad id!!,',
    ].join('\n');
    const record = await uploadFile(env.http, brand.token, 'csv', csv);
    const done = await processFile(env.http, brand.token, record);
    expect(done.status).toBe('error');
    expect(done.result_data.errors).toEqual(
      expect.arrayContaining([
        { invalid_id_error: ['short', 'bad id!!'], count: 2 },
        { unknown_product_error: ['new00002'], count: 1 },
        { posted_duplicate_error: ['new00003'], count: 1 },
        { duplicate_id_error: ['abc12345'], count: 1 },
      ]),
    );
    expect(done.result_data.errors).toHaveLength(4);
    expect({ codes: await countCustom(), workorders: await countWorkorders() }).toEqual(before);
    expect(await eventsAbout(record)).toEqual([
      {
        event: 'ingestion_record.failed',
        account: brand.account,
        data: { errors: done.result_data.errors },
      },
    ]);
  });

  it('with allow_posted_duplicates keeps the first of each id and ignores the rest', async () => {
    const csv = ['id,lot', 'dup00001,first', 'dup00002,a', 'dup00001,second'].join('\n');
    const record = await uploadFile(env.http, brand.token, 'csv', csv);
    const done = await processFile(env.http, brand.token, record, {
      allow_posted_duplicates: true,
    });
    expect(done.status).toBe('completed');
    expect(await codesOf(brand.account, ['dup00001', 'dup00002'])).toEqual([
      expect.objectContaining({ code: 'dup00001', scm_data: { lot: 'first' } }),
      expect.objectContaining({ code: 'dup00002', scm_data: { lot: 'a' } }),
    ]);
  });

  it('caps each list of ids and counts them all', async () => {
    const lines = Array.from({ length: 1_500 }, (_, i) => `bad${i}`);
    const record = await uploadFile(env.http, brand.token, 'csv', `id\n${lines.join('\n')}\n`);
    const done = await processFile(env.http, brand.token, record);
    const [entry] = done.result_data.errors as { invalid_id_error: string[]; count: number }[];
    expect(entry.count).toBe(1_500);
    expect(entry.invalid_id_error).toHaveLength(1_000);
    expect(entry.invalid_id_error[0]).toBe('bad0');
  });

  it.each([
    [
      'csv',
      Buffer.from([0x69, 0x64, 0x0a, 0xff, 0xfe, 0x41, 0x0a]),
      'The file is not valid UTF-8.',
    ],
    ['csv', 'code\nabc12345\n', 'The CSV header has no "id" column.'],
    ['csv', 'id\n', 'The file has no codes.'],
    ['json', '{"id": "abc12345"}', 'The JSON file must be an array of objects (one per code).'],
    ['json', '[{"id": "abc1', 'The file is not valid JSON'],
  ] as const)(
    'refuses a %s file that cannot be read, with one message',
    async (type, content, message) => {
      const before = await countWorkorders();
      const record = await uploadFile(env.http, brand.token, type, content);
      const done = await processFile(env.http, brand.token, record);
      expect(done.status).toBe('error');
      expect(done.result_data.errors).toEqual([{ file_error: expect.stringContaining(message) }]);
      expect(await countWorkorders()).toBe(before);
    },
  );
});

describe('the upload API refuses', () => {
  it('a file type other than csv or json', async () => {
    const { body } = await env.http
      .post('/api/v2/ingestion/codes/upload/get-post-data/')
      .set(uat(brand.token))
      .send({ filetype: 'xml' })
      .expect(400);
    expect(body).toEqual({ filetype: ['"xml" is not a valid choice.'] });
  });

  it('an unknown record, and a record whose file was never uploaded', async () => {
    const unknown = await env.http
      .post('/api/v2/ingestion/codes/upload/process/')
      .set(uat(brand.token))
      .send({ record: 'nosuchrecord' })
      .expect(400);
    expect(unknown.body).toEqual({ detail: 'Invalid record' });
    const created = await env.http
      .post('/api/v2/ingestion/codes/upload/get-post-data/')
      .set(uat(brand.token))
      .send({ filetype: 'csv' })
      .expect(201);
    const missing = await env.http
      .post('/api/v2/ingestion/codes/upload/process/')
      .set(uat(brand.token))
      .send({ record: created.body.record_key })
      .expect(400);
    expect(missing.body).toEqual({ detail: 'Uploaded file not found.' });
    const cancelled = await env.http
      .post(`/api/v2/ingestion/${created.body.record_key}/cancel/`)
      .set(uat(brand.token))
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await env.http
      .post(`/api/v2/ingestion/${created.body.record_key}/cancel/`)
      .set(uat(brand.token))
      .expect(400);
  });

  it('no token or a bad one with 401, and another account with 404', async () => {
    expect((await env.http.get('/api/v2/ingestion/').expect(401)).body).toEqual({
      detail: 'Authentication credentials were not provided.',
    });
    expect(
      (await env.http.get('/api/v2/ingestion/').set(uat('not-a-token')).expect(401)).body,
    ).toEqual({
      detail: 'Invalid token.',
    });
    const other = await env.user();
    const record = await uploadFile(env.http, brand.token, 'csv', 'id\nother001\n');
    await env.http.get(`/api/v2/ingestion/${record}/`).set(uat(other.token)).expect(404);
    await env.http.post(`/api/v2/ingestion/${record}/cancel/`).set(uat(other.token)).expect(404);
    const [{ id }] = await env.db.query(`SELECT id::int AS id FROM workorder ORDER BY id LIMIT 1`);
    for (const path of ['', 'download/', 'serial-numbers/']) {
      const { body } = await env.http
        .get(`/api/v2/workorders/${id}/${path}`)
        .set(uat(other.token))
        .expect(404);
      expect(body).toEqual({ detail: 'Not found.' });
    }
    const own = await env.http
      .get(`/api/v2/workorders/`)
      .set('Authorization', `Bearer ${other.token}`)
      .expect(200);
    expect(own.body.count).toBe(0);
  });

  it.each([
    ['ingestion_code_create', 'post', '/api/v2/ingestion/codes/upload/get-post-data/'],
    ['ingestion_code_create', 'post', '/api/v2/ingestion/codes/upload/process/'],
    ['ingestion_view', 'get', '/api/v2/ingestion/'],
    ['ingestion_view', 'get', '/api/v2/ingestion/abcdefabcdef/'],
    ['ingestion_cancel', 'post', '/api/v2/ingestion/abcdefabcdef/cancel/'],
    ['workorder_view', 'get', '/api/v2/workorders/'],
    ['workorder_view', 'get', '/api/v2/workorders/1/'],
    ['workorder_download', 'get', '/api/v2/workorders/1/download/'],
    ['workorder_sid_download', 'get', '/api/v2/workorders/1/serial-numbers/'],
  ] as const)('without %s: %s %s is a 403 that names it', async (permission, method, path) => {
    const all = [
      'ingestion_code_create',
      'ingestion_view',
      'ingestion_cancel',
      'workorder_view',
      'workorder_download',
      'workorder_sid_download',
      'product_view',
    ];
    const limited = await env.user(all.filter((p) => p !== permission));
    const { body } = await env.http[method](path)
      .set(uat(limited.token))
      .send({ filetype: 'csv' })
      .expect(403);
    expect(body.detail).toContain(`"${permission}"`);
  });
});

describe('a worker killed mid-file', () => {
  it('leaves nothing; the record then completes with exactly the file codes', async () => {
    const count = 300_000;
    const lines = Array.from(
      { length: count },
      (_, i) => `kill${String(i).padStart(7, '0')},sku1,p${i % 7}`,
    );
    const record = await uploadFile(
      env.http,
      brand.token,
      'csv',
      `id,product,pallet\n${lines.join('\n')}\n`,
    );
    await env.http
      .post('/api/v2/ingestion/codes/upload/process/')
      .set(uat(brand.token))
      .send({ record })
      .expect(200);
    // The COPY of the upload is running when PostgreSQL shows it.
    await eventually(
      async () => {
        const rows = await env.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%COPY unique_code%' AND state = 'active'`,
        );
        return rows.length > 0 ? true : undefined;
      },
      60_000,
      'the COPY of the upload',
      20,
    );
    await env.kill('generator-worker');
    const [{ n }] = await env.db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE code LIKE 'kill%'`,
    );
    expect(n).toBe(0);
    await env.start('generator-worker');
    const done = await finished(env.http, brand.token, record, 120_000);
    expect(done.status).toBe('completed');
    const [stored] = await env.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct_codes, min(code) AS first, max(code) AS last,
              count(DISTINCT workorder)::int AS workorders
       FROM unique_code WHERE code LIKE 'kill%'`,
    );
    expect(stored).toEqual({
      n: count,
      distinct_codes: count,
      first: 'kill0000000',
      last: `kill${String(count - 1).padStart(7, '0')}`,
      workorders: 1,
    });
    const [{ workorders }] = await env.db.query(
      `SELECT count(*)::int AS workorders FROM workorder WHERE reference = $1`,
      [record],
    );
    expect(workorders).toBe(1);
  });
});
