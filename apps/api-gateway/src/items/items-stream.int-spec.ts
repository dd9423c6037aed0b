import { get, IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AddressInfo } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually } from '@sid/shared/testing';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';

interface Read {
  status: number;
  bytes: number;
  rows: number;
  head: string;
  tail: string;
  /**
   * Highest live heap (measured after a full garbage collection, every ~8 MB received) while the
   * response was read, above the live heap before the request.
   */
  heapGrowth: number;
}

// A full collection on demand, so that what is measured is what the gateway keeps, not garbage
// waiting for the collector.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const liveHeap = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/** `limit=-1`: every row, streamed from a PostgreSQL cursor into the response. */
describe('unlimited reads', () => {
  let gateway: GatewayTestApp;
  let port: number;
  let auth: { Authorization: string };
  const sql = (text: string, params: unknown[] = []) =>
    gateway.app.get<DataSource>(getDataSourceToken()).query(text, params);

  /** Short codes S0000001... (product-less, so no product to set up), `from` to `to` inclusive. */
  const seedCodes = async (from: number, to: number) => {
    const [{ account }] = await sql(
      `SELECT account FROM app_user WHERE email = 'admin@example.com'`,
    );
    await sql(
      `INSERT INTO unique_code (account, code, type, digital_link, status)
       SELECT $1, 'S' || lpad(i::text, 7, '0'), 'short_code',
              'https://id.test.example/S' || lpad(i::text, 7, '0'), 'unassigned'
       FROM generate_series($2::int, $3::int) AS i`,
      [account, from, to],
    );
  };

  /**
   * Reads a response the way a partner's client would, without keeping it: counts bytes and
   * rows (rows of unique_code are flat objects, so `},{` separates two of them) and samples the
   * gateway's heap, which shares this process, every few milliseconds.
   */
  const read = (path: string): Promise<Read> =>
    new Promise((resolve, reject) => {
      const before = liveHeap();
      let peak = before;
      let nextSample = 0;
      get({ port, path, headers: auth }, (response: IncomingMessage) => {
        let bytes = 0;
        let separators = 0;
        let carry = '';
        let head = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          if (head.length < 40) head += chunk.slice(0, 40);
          const text = carry + chunk;
          separators += text.split('},{').length - 1;
          carry = text.slice(-2);
          if (bytes >= nextSample) {
            peak = Math.max(peak, liveHeap());
            nextSample = bytes + 8 * 1024 * 1024;
          }
        });
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            bytes,
            rows: bytes > 20 ? separators + 1 : 0,
            head,
            tail: carry,
            heapGrowth: peak - before,
          });
        });
        response.on('error', reject);
      }).on('error', reject);
    });

  beforeAll(async () => {
    gateway = await createGatewayTestApp('stream');
    await gateway.app.listen(0);
    port = (gateway.app.getHttpServer().address() as AddressInfo).port;
    auth = { Authorization: `Bearer ${gateway.adminToken}` };
  });
  afterAll(() => gateway?.close());

  it('answers every row with limit=-1, in order, with its meta, as valid JSON', async () => {
    await seedCodes(1, 2500);
    const http = request(gateway.app.getHttpServer());
    const all = await http
      .get('/items/unique_code?limit=-1&fields=code&sort=-code&meta=total_count,filter_count')
      .set(auth)
      .expect(200)
      .expect('content-type', /application\/json/);
    expect(all.body.data).toHaveLength(2500);
    expect(all.body.data[0]).toEqual({ code: 'S0002500' });
    expect(all.body.data[2499]).toEqual({ code: 'S0000001' });
    expect(all.body.meta).toEqual({ total_count: 2500, filter_count: 2500 });
    const filtered = await http
      .get(
        '/items/unique_code?limit=-1&fields=code&filter[code][_starts_with]=S00012&offset=5&sort=code',
      )
      .set(auth)
      .expect(200);
    expect(filtered.body).toEqual({
      data: Array.from({ length: 95 }, (_, i) => ({
        code: `S00012${String(i + 5).padStart(2, '0')}`,
      })),
    });
    const none = await http
      .get('/items/unique_code?limit=-1&filter[code][_eq]=nothing')
      .set(auth)
      .expect(200);
    expect(none.body).toEqual({ data: [] });
    // A statement that fails is still answered in the envelope, before any row is sent.
    const bad = await http
      .get('/items/unique_code?limit=-1&filter[date_created][_gt]=$NOW(-1 fortnight)')
      .set(auth)
      .expect(400);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_QUERY');
  });

  it('frees the cursor and its connection when the client goes away midway', async () => {
    await new Promise<void>((resolve, reject) => {
      get({ port, path: '/items/unique_code?limit=-1', headers: auth }, (response) => {
        response.once('data', () => {
          response.destroy();
          resolve();
        });
      }).on('error', reject);
    });
    await eventually(
      async () => {
        const open = await sql(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND query LIKE 'FETCH%' AND state <> 'idle'
             OR datname = current_database() AND state = 'idle in transaction'`,
        );
        return open[0].n === 0 ? true : undefined;
      },
      10_000,
      'the cursor to be closed',
    );
  });

  it('reads 200,000 codes with the heap flat: it does not grow with the row count', async () => {
    await seedCodes(2501, 20_000);
    const small = await read('/items/unique_code?limit=-1');
    await seedCodes(20_001, 200_000);
    const large = await read('/items/unique_code?limit=-1');
    expect(small).toMatchObject({
      status: 200,
      rows: 20_000,
      head: expect.stringMatching(/^\{"data":\[\{/),
      tail: ']}',
    });
    expect(large).toMatchObject({ status: 200, rows: 200_000, tail: ']}' });
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    process.stdout.write(
      `limit=-1: ${small.rows} rows (${mb(small.bytes)} MB) heap +${mb(small.heapGrowth)} MB; ` +
        `${large.rows} rows (${mb(large.bytes)} MB) heap +${mb(large.heapGrowth)} MB\n`,
    );
    // Ten times the rows, over 90 MB of JSON: gathered in memory, the live heap would grow by
    // more than the body. Streamed, it holds a few batches of 1,000 rows whatever the count.
    expect(large.bytes).toBeGreaterThan(90 * 1024 * 1024);
    expect(large.heapGrowth).toBeLessThan(16 * 1024 * 1024);
    expect(large.heapGrowth).toBeLessThan(small.heapGrowth + 8 * 1024 * 1024);
  }, 180_000);
});
