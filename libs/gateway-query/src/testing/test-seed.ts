import { Client } from 'pg';
import { TEST_SCHEMA_SQL, WIDE_FIELD_COUNT } from './test-collections';

/**
 * Test fixture (not exported from the lib): rows for the integration suite. Two accounts; A owns
 * most rows, B owns a few, some of which point at A's rows (and one of A's at B's) so that
 * tenant isolation of related rows can be seen.
 */
export const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

export const P1 = '/01/09312345551927';
export const P2 = '/01/09312345552016';
export const PB = '/01/77777666100048';

export const JOB_A = '10000000-0000-4000-8000-000000000001';
export const JOB_B = '10000000-0000-4000-8000-000000000002';
export const RES_A1 = '20000000-0000-4000-8000-000000000001';
export const RES_A2 = '20000000-0000-4000-8000-000000000002';
export const RES_B = '20000000-0000-4000-8000-000000000003';

const id = (n: number) => `30000000-0000-4000-8000-00000000000${n}`;
export const C = { c1: id(1), c2: id(2), c3: id(3), c4: id(4), c5: id(5), b1: id(6), b2: id(7) };

export const EVIL = "'; DROP TABLE product; --";
export const WILD = 'ab%_x\\';

type Row = Record<string, unknown>;

export const CODES: Row[] = [
  {
    id: C.c1,
    code: '17DZfpiY',
    status: 'reserved',
    serial: 1,
    product: P1,
    reservation: RES_A1,
    account: A,
    date_created: '2024-01-01T10:00:00.123456Z',
    digital_link: 'https://d.example/01/09312345551927/21/17DZfpiY',
  },
  {
    id: C.c2,
    code: '4qt8Jblr',
    status: 'reserved',
    serial: 2,
    product: P2,
    reservation: RES_A1,
    account: A,
    date_created: '2024-01-02T00:00:00Z',
    digital_link: 'https://d.example/01/09312345552016/21/4qt8Jblr',
  },
  {
    id: C.c3,
    code: 'YZQDrcpP',
    status: 'reserved',
    serial: 3,
    product: P1,
    reservation: RES_A1,
    account: A,
    date_created: '2024-01-03T00:00:00Z',
    digital_link: 'https://d.example/01/09312345551927/21/YZQDrcpP',
  },
  {
    id: C.c4,
    code: EVIL,
    status: 'unassigned',
    serial: 4,
    product: P1,
    reservation: null,
    account: A,
    date_created: '2024-01-04T00:00:00Z',
    digital_link: null,
  },
  {
    id: C.c5,
    code: WILD,
    status: 'unassigned',
    serial: 5,
    product: PB,
    reservation: null,
    account: A,
    date_created: '2024-01-05T00:00:00Z',
    digital_link: '',
  },
  {
    id: C.b1,
    code: '17DZfpiY',
    status: 'reserved',
    serial: 6,
    product: PB,
    reservation: RES_B,
    account: B,
    date_created: '2024-01-06T00:00:00Z',
    digital_link: null,
  },
  {
    id: C.b2,
    code: 'B-into-A',
    status: 'reserved',
    serial: 7,
    product: P1,
    reservation: RES_A1,
    account: B,
    date_created: '2024-01-07T00:00:00Z',
    digital_link: null,
  },
];

async function insert(client: Client, table: string, rows: Row[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    await client.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((column) => row[column]),
    );
  }
}

export async function seed(client: Client): Promise<void> {
  await client.query(TEST_SCHEMA_SQL);
  await insert(client, 'account', [
    { id: A, name: 'Account A' },
    { id: B, name: 'Account B' },
  ]);
  await insert(client, 'product', [
    {
      id: P1,
      gtin: '09312345551927',
      product_name: 'Chocolate 100g',
      net_weight: '0.1',
      finished_product: true,
      attributes: '{"colour":"brown"}',
      account: A,
      date_created: '2024-01-01T00:00:00Z',
    },
    {
      id: P2,
      gtin: '09312345552016',
      product_name: 'Coffee 50% off_sale',
      net_weight: '1.25',
      finished_product: false,
      parent_product: P1,
      account: A,
      date_created: '2024-02-01T00:00:00Z',
    },
    {
      id: PB,
      gtin: '77777666100048',
      product_name: 'Other tenant',
      net_weight: null,
      account: B,
      date_created: '2024-03-01T00:00:00Z',
    },
  ]);
  await insert(client, 'identifier_job', [
    {
      id: JOB_A,
      reference_id: 'Jon Demo',
      status: 'complete',
      quantity: 4,
      product: P1,
      account: A,
    },
    {
      id: JOB_B,
      reference_id: 'RG-Cot-Items',
      status: 'new',
      quantity: 100,
      product: PB,
      account: B,
    },
  ]);
  await insert(client, 'code_reservation', [
    {
      id: RES_A1,
      reference_id: 'RG-Cot-Items',
      status: 'complete',
      quantity: 3,
      product: P1,
      account: A,
    },
    { id: RES_A2, reference_id: 'PO-567', status: 'new', quantity: 0, product: P2, account: A },
    {
      id: RES_B,
      reference_id: 'abc-123',
      status: 'complete',
      quantity: 1,
      product: PB,
      account: B,
    },
  ]);
  await insert(
    client,
    'unique_code',
    CODES.map((code) => ({
      ...code,
      type: 'sgtin',
      identifier_job: code.account === A ? JOB_A : JOB_B,
      epc_key: `epc-${code.serial}`,
    })),
  );
  await insert(client, 'wide', [
    Object.fromEntries([
      ['id', 1],
      ...Array.from({ length: WIDE_FIELD_COUNT }, (_, i) => [`f${i + 1}`, `v${i + 1}`]),
    ]),
  ]);
}
