import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { ForbiddenError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { ObjectStorage, StorageModule } from '@sid/shared/storage';

import {
  createTestDatabase,
  LOCAL_S3_CREDENTIALS,
  LocalS3,
  startLocalS3,
  TestDatabase,
} from '@sid/shared/testing';
import { ExportDocumentStream } from './export-document.stream';
import { ExportsModule } from './exports.module';
import { FileRepository } from './file.repository';
import { FileService } from './file.service';
import {
  createExportSerializer,
  EXPORT_COLUMNS,
  ExportRow,
  ExportType,
  isPlainText,
} from './formats';
import { serialize } from './formats/export-row.fixtures';
import { ExportObjectSweepService } from './export-object-sweep.service';
import { ReservationExportService } from './reservation-export.service';

const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;
const LINK = `https://id.example.com/01/${GTIN}/21/`;

type CodeStatus = 'reserved' | 'assigned' | 'encoded';

interface SeedCode {
  code: string;
  digital_link: string;
  epc_join_key: string | null;
  status: CodeStatus;
  /** The database's default (1, active) when left out. */
  activation_status?: 0 | 1 | 2;
  blacklist_reason?: string | null;
}

interface FileRow {
  id: string;
  account: string;
  storage: string;
  storage_key: string;
  filename_download: string;
  title: string | null;
  type: string;
  filesize: string;
  checksum: string | null;
  uploaded_by: string | null;
}

/**
 * Values that break naive CSV / JSON / XML writers, each one a valid code (1-64 characters that
 * PostgreSQL text can hold): formula starters, quotes, separators, line breaks, markup, control
 * characters, non-characters, an entity-looking text and non-ASCII.
 */
const NASTY_CODES = [
  '=HYPERLINK("http://evil.example/?x=1","click")',
  '+1',
  '-2',
  '@x',
  '\tTAB',
  '\rCR',
  'say "hi"',
  'a,b,,c',
  'line1\nline2',
  'crlf\r\nmiddle',
  `<>&"'`,
  ']]><!--',
  'x&lt;y',
  'ctl \u0001 and \u001f end',
  'back\\slash \\n',
  'emoji 😀 ünïcödé',
  'nonchar \uFFFE\uFFFF',
  '  padded  ',
];

/** What an XML 1.0 document can carry of a value (escapeXml): the rest becomes U+FFFD. */
const xmlCarried = (value: string): string =>
  value.replace(/[\u0001-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/g, '\uFFFD');

/** A CSV cell as a reader gets it back: the `'` put before a formula starter removed. */
const csvValue = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

let database: TestDatabase;
let moduleRef: TestingModule;
let db: DataSource;
let service: ReservationExportService;
let files: FileService;
let storage: ObjectStorage;
let s3Directory: string;
let s3: LocalS3;
let s3Port: number;
let bucket: string;
let lister: S3Client;
let account: string;
let user: string;
let otherAccount: string;
let serial = 0;

beforeAll(async () => {
  database = await createTestDatabase('exports');
  await runMigrations(database.url);
  s3Directory = await mkdtemp(join(tmpdir(), 'sid-exports-s3-'));
  s3 = await startLocalS3({ port: 0, directory: s3Directory });
  s3Port = Number(new URL(s3.endpoint).port);
  bucket = `exports-${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  });
  moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, DatabaseModule, StorageModule, ExportsModule],
  }).compile();
  await moduleRef.init();
  db = moduleRef.get(DataSource);
  service = moduleRef.get(ReservationExportService);
  files = moduleRef.get(FileService);
  storage = moduleRef.get(ObjectStorage);
  lister = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
  });

  [{ id: account }] = await db.query(`INSERT INTO account (name) VALUES ('Brand') RETURNING id`);
  [{ id: otherAccount }] = await db.query(
    `INSERT INTO account (name) VALUES ('Other') RETURNING id`,
  );
  [{ id: user }] = await db.query(
    `INSERT INTO app_user (account, email) VALUES ($1, 'exporter@brand.test') RETURNING id`,
    [account],
  );
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    PRODUCT,
    GTIN,
    account,
  ]);
});

afterEach(async () => {
  jest.restoreAllMocks();
  if (moduleRef) moduleRef.get(AppConfig).EXPORT_CONTENT_ENCODING = 'gzip';
  await db?.query(`DROP TRIGGER IF EXISTS refuse_files ON file`);
});

afterAll(async () => {
  lister?.destroy();
  await moduleRef?.close();
  await s3?.stop();
  if (s3Directory) await rm(s3Directory, { recursive: true, force: true });
  await database?.drop();
});

/** Every INSERT into `file` fails with `message` until the trigger is dropped (afterEach does). */
async function refuseFileRows(message: string): Promise<void> {
  await db.query(`
    CREATE OR REPLACE FUNCTION refuse_file() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION ${escapeLiteral(message)}; END $$;
    CREATE TRIGGER refuse_files BEFORE INSERT ON file FOR EACH ROW EXECUTE FUNCTION refuse_file();
  `);
}

/** `count` ordinary codes, every other one without an EPC join key, in the three statuses. */
function plainCodes(count: number): SeedCode[] {
  const statuses: CodeStatus[] = ['reserved', 'assigned', 'encoded'];
  return Array.from({ length: count }, (_, i) => {
    const code = `P${(serial++).toString(36).padStart(9, '0')}`;
    return {
      code,
      digital_link: LINK + code,
      epc_join_key: i % 2 === 0 ? `${GTIN}-${code}` : null,
      status: statuses[i % 3],
      ...(i % 7 === 0 ? { activation_status: 2 as const, blacklist_reason: 'damaged' } : {}),
      ...(i % 7 === 1 ? { activation_status: 0 as const } : {}),
    };
  });
}

/**
 * The nasty values as codes (a tag at the end keeps them unique across reservations), also in the
 * link (raw, as an imported code may have it) and in the join key.
 */
function nastyCodes(): SeedCode[] {
  const tag = ` #${(serial++).toString(36)}`;
  return NASTY_CODES.map((value, i) => ({
    code: value + tag,
    digital_link: LINK + value + tag,
    epc_join_key: i % 3 === 0 ? null : value + tag,
    status: i % 2 === 0 ? 'reserved' : 'encoded',
    activation_status: (i % 3) as 0 | 1 | 2,
    blacklist_reason: i % 2 === 0 ? value : null,
  }));
}

/**
 * One code per character and place: each of U+0001-U+007F and a few beyond, at the start and in
 * the middle of each free-text value in turn (code, link, join key, blacklist reason), the other
 * values plain. Whether a row is plain is PostgreSQL's to say (`plain_text`); these rows check it
 * against the serializers, character by character.
 */
function characterCodes(): SeedCode[] {
  const tag = (serial++).toString(36);
  const characters = [
    ...Array.from({ length: 0x7f }, (_, i) => String.fromCharCode(i + 1)),
    ...['\u0085', '\u00a0', 'é', '\u2028', '\uFFFD', '\uFFFE', '\uFFFF', '😀'],
  ];
  const places: [string, (value: string, ch: string) => string][] = [
    ['s', (value, ch) => ch + value],
    ['m', (value, ch) => value.slice(0, 1) + ch + value.slice(1)],
  ];
  return characters.flatMap((ch, i) =>
    places.flatMap(([place, put]) => {
      const code = `K${tag}x${i}${place}`;
      const plain = { digital_link: LINK + code, epc_join_key: code, status: 'reserved' as const };
      return [
        { ...plain, code: put(`${code}c`, ch) },
        { ...plain, code: `${code}l`, digital_link: put(`${LINK}${code}l`, ch) },
        { ...plain, code: `${code}e`, epc_join_key: put(`${code}e`, ch) },
        {
          ...plain,
          code: `${code}b`,
          activation_status: 2 as const,
          blacklist_reason: put('reason', ch),
        },
      ];
    }),
  );
}

/** A reservation `in_progress` that holds all of `codes` (written directly, as a claim leaves it). */
async function seedReservation(options: {
  export_type: ExportType;
  codes: SeedCode[];
  url_suffix?: string | null;
  reference_id?: string | null;
  quantity?: number;
}): Promise<string> {
  const quantity = options.quantity ?? options.codes.length;
  const [{ id }] = await db.query(
    `INSERT INTO code_reservation (account, code_type, product, quantity, quantity_reserved, status,
       export_type, url_suffix, reference_id, user_created)
     VALUES ($1, 'sgtin', $2, $3, $3, 'in_progress', $4, $5, $6, $7) RETURNING id`,
    [
      account,
      PRODUCT,
      quantity,
      options.export_type,
      options.url_suffix ?? null,
      options.reference_id ?? null,
      user,
    ],
  );
  const { codes } = options;
  for (let at = 0; at < codes.length; at += 20_000) {
    const batch = codes.slice(at, at + 20_000);
    await db.query(
      `INSERT INTO unique_code (account, type, product, reservation, user_created, code, digital_link,
         epc_join_key, status, activation_status, blacklist_reason)
       SELECT $1, 'sgtin', $2, $3, $4, *
       FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::smallint[], $10::text[])`,
      [
        account,
        PRODUCT,
        id,
        user,
        batch.map((c) => c.code),
        batch.map((c) => c.digital_link),
        batch.map((c) => c.epc_join_key),
        batch.map((c) => c.status),
        batch.map((c) => c.activation_status ?? 1),
        batch.map((c) => c.blacklist_reason ?? null),
      ],
    );
  }
  return id;
}

/** The rows an export of the reservation must hold, computed from the database here. */
async function expectedRows(reservation: string): Promise<ExportRow[]> {
  const [{ url_suffix, reference_id }] = await db.query(
    `SELECT url_suffix, reference_id FROM code_reservation WHERE id = $1`,
    [reservation],
  );
  const codes: Omit<ExportRow, 'reservation' | 'reference_id'>[] = await db.query(
    `SELECT code, digital_link, epc_join_key, type, product, status, activation_status,
       blacklist_reason
     FROM unique_code WHERE reservation = $1`,
    [reservation],
  );
  return codes.map((code) => ({
    ...code,
    digital_link: code.digital_link + (url_suffix ?? ''),
    reservation,
    reference_id,
  }));
}

function byCode(a: object, b: object): number {
  const [x, y] = [String((a as { code: unknown }).code), String((b as { code: unknown }).code)];
  return x < y ? -1 : x > y ? 1 : 0;
}

async function reservationRow(id: string) {
  const [row] = await db.query(
    `SELECT status, export_file, quantity, quantity_reserved FROM code_reservation WHERE id = $1`,
    [id],
  );
  return row as { status: string; export_file: string | null };
}

async function fileRowsOf(reservation: string): Promise<FileRow[]> {
  return db.query(`SELECT * FROM file WHERE storage_key LIKE $1`, [
    `exports/${account}/${reservation}/%`,
  ]);
}

/** The domain events recorded about the reservation, oldest first. */
async function eventsOf(
  reservation: string,
): Promise<{ event: string; account: string; data: Record<string, unknown> }[]> {
  return db.query(
    `SELECT event, account, data FROM event_outbox WHERE subject = $1 ORDER BY event`,
    [reservation],
  );
}

/** Every object stored for the reservation, whatever its key. */
async function objectsOf(reservation: string): Promise<string[]> {
  const listed = await lister.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `exports/${account}/${reservation}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs the export and returns the stored document with its file row. */
async function exportAndDownload(
  reservation: string,
): Promise<{ text: string; bytes: Buffer; file: FileRow }> {
  expect(await service.run(reservation)).toBe('exported');
  const { export_file } = await reservationRow(reservation);
  const [file]: FileRow[] = await db.query(`SELECT * FROM file WHERE id = $1`, [export_file]);
  const bytes = await readAll((await storage.getStream(file.storage_key)).body);
  return { text: bytes.toString('utf8'), bytes, file };
}

function parseCsvRows(text: string): Record<string, string>[] {
  return parseCsv(text, { columns: true, relax_column_count: false }) as Record<string, string>[];
}

function csvAsRows(records: Record<string, string>[]): ExportRow[] {
  return records.map((record) => ({
    code: csvValue(record.code),
    digital_link: csvValue(record.digital_link),
    epc_join_key: csvValue(record.epc_join_key) || null,
    type: record.type,
    product: record.product || null,
    status: record.status,
    activation_status: Number(record.activation_status),
    blacklist_reason: csvValue(record.blacklist_reason) || null,
    reservation: record.reservation,
    reference_id: csvValue(record.reference_id) || null,
  }));
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => name === 'unique_code',
});

interface ParsedXml {
  code_reservation: Record<string, string> & { codes: { unique_code: Record<string, string>[] } };
}

function xmlAsRows(document: ParsedXml): ExportRow[] {
  return document.code_reservation.codes.unique_code.map((element) => {
    const row = {} as Record<string, string | null>;
    for (const column of EXPORT_COLUMNS) row[column] = element[column] ?? null;
    return { ...row, activation_status: Number(row.activation_status) } as unknown as ExportRow;
  });
}

describe('ReservationExportService: formats read back', () => {
  it('CSV: every code as in the database, url_suffix appended, formula cells escaped', async () => {
    const reference = '=HYPERLINK("http://evil.example","PO 7"),x';
    const id = await seedReservation({
      export_type: 'csv',
      codes: [...plainCodes(2_500), ...nastyCodes()],
      url_suffix: '?src=print&batch=7',
      reference_id: reference,
    });

    const { text } = await exportAndDownload(id);

    expect(text.startsWith(`${EXPORT_COLUMNS.join(',')}\r\n`)).toBe(true);
    const records = parseCsvRows(text);
    const expected = await expectedRows(id);
    expect(records).toHaveLength(expected.length);
    const asStrings = (row: ExportRow) =>
      Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, row[c] ?? ''])) as Record<string, string>;
    expect(csvAsRows(records).map(asStrings).sort(byCode)).toEqual(
      expected.map(asStrings).sort(byCode),
    );
    expect(expected.every((row) => row.digital_link.endsWith('?src=print&batch=7'))).toBe(true);
    // No cell a spreadsheet would run.
    for (const record of records) {
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const hyperlink = records.find((r) => r.code.startsWith(`'=HYPERLINK`));
    expect(hyperlink?.code.startsWith(`'${NASTY_CODES[0]} #`)).toBe(true);
    expect(hyperlink?.reference_id).toBe(`'${reference}`);
    for (const start of ['+1', '-2', '@x', '\tTAB', '\rCR']) {
      expect(records.filter((r) => r.code.startsWith(`'${start} #`))).toHaveLength(1);
    }
  });

  it('CSV: a url_suffix that needs quoting quotes every link', async () => {
    const id = await seedReservation({
      export_type: 'csv',
      codes: plainCodes(20),
      url_suffix: '?q="a,b"',
      reference_id: null,
    });

    const { text } = await exportAndDownload(id);

    const records = parseCsvRows(text);
    expect(records.map((r) => r.digital_link).sort()).toEqual(
      (await expectedRows(id)).map((r) => r.digital_link).sort(),
    );
    expect(text).toContain(`?q=""a,b"""`);
    expect(records.every((r) => r.reference_id === '')).toBe(true);
  });

  it('JSON: one document with the reservation and every code exactly as in the database', async () => {
    const id = await seedReservation({
      export_type: 'json',
      codes: [...plainCodes(2_500), ...nastyCodes()],
      url_suffix: '?src="json"\\',
      reference_id: 'PO "7" \\ \u0001 =1+1\n',
    });

    const { text } = await exportAndDownload(id);

    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual([
      'reservation',
      'reference_id',
      'product',
      'code_type',
      'codes',
    ]);
    expect(document).toMatchObject({
      reservation: id,
      reference_id: 'PO "7" \\ \u0001 =1+1\n',
      product: PRODUCT,
      code_type: 'sgtin',
    });
    expect([...document.codes].sort(byCode)).toEqual((await expectedRows(id)).sort(byCode));
    for (const code of document.codes) expect(Object.keys(code)).toEqual([...EXPORT_COLUMNS]);
  });

  it('XML: well formed, escaped (control characters included), every code as in the database', async () => {
    const reference = `PO\u0001-7\u001f\t<&>"'\r\n end \uFFFE`;
    const id = await seedReservation({
      export_type: 'xml',
      codes: [...plainCodes(2_500), ...nastyCodes()],
      url_suffix: '?a=1&b=<2>',
      reference_id: reference,
    });

    const { text } = await exportAndDownload(id);

    expect(XMLValidator.validate(text)).toBe(true);

    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/);
    const document = xmlParser.parse(text) as ParsedXml;
    expect(document.code_reservation).toMatchObject({
      '@_id': id,
      '@_reference_id': xmlCarried(reference),
      '@_product': PRODUCT,
      '@_code_type': 'sgtin',
    });
    const carried = (row: ExportRow): ExportRow => {
      const out: Record<string, unknown> = { ...row };
      for (const column of EXPORT_COLUMNS) {
        const value = row[column];
        if (typeof value === 'string') out[column] = xmlCarried(value);
      }
      return out as unknown as ExportRow;
    };
    expect(xmlAsRows(document).sort(byCode)).toEqual(
      (await expectedRows(id)).map(carried).sort(byCode),
    );
    expect(xmlAsRows(document).find((r) => r.code.startsWith('x&lt;y #'))).toBeDefined();
  });

  it('plain_text is true exactly for the rows whose values no format escapes, also after updates', async () => {
    const id = await seedReservation({
      export_type: 'csv',
      codes: [...characterCodes(), ...nastyCodes(), ...plainCodes(20)],
    });
    const [plainOne] = await db.query(
      `SELECT code FROM unique_code WHERE reservation = $1 AND plain_text LIMIT 1`,
      [id],
    );
    const [escapedOne] = await db.query(
      `SELECT code FROM unique_code WHERE reservation = $1 AND NOT plain_text
         AND blacklist_reason LIKE 'r%<%' LIMIT 1`,
      [id],
    );
    // Writing a reason with markup into a plain row, and a plain reason over the markup.
    await db.query(`UPDATE unique_code SET blacklist_reason = 'x<y' WHERE code = $1`, [
      plainOne.code,
    ]);
    await db.query(`UPDATE unique_code SET blacklist_reason = 'damaged' WHERE code = $1`, [
      escapedOne.code,
    ]);

    const rows: (Record<'code' | 'digital_link', string> &
      Record<'epc_join_key' | 'blacklist_reason', string | null> & { plain_text: boolean })[] =
      await db.query(
        `SELECT code, digital_link, epc_join_key, blacklist_reason, plain_text
         FROM unique_code WHERE reservation = $1`,
        [id],
      );
    const escaped = (value: string | null) => value !== null && !isPlainText(value);
    const wrong = rows.filter(
      (row) =>
        row.plain_text ===
        [row.code, row.digital_link, row.epc_join_key, row.blacklist_reason].some(escaped),
    );
    expect(wrong).toEqual([]);
    const plain = new Map(rows.map((row) => [row.code, row.plain_text]));
    expect([plain.get(plainOne.code), plain.get(escapedOne.code)]).toEqual([false, true]);
    // Both kinds are there in numbers: characters that need nothing, and those that do.
    expect(rows.filter((row) => row.plain_text).length).toBeGreaterThan(300);
    expect(rows.filter((row) => !row.plain_text).length).toBeGreaterThan(300);
  });

  it.each(
    (['csv', 'json', 'xml'] as const).flatMap((type) =>
      (['a suffix that needs escaping', 'a plain suffix', 'no suffix'] as const).map(
        (suffix) => [type, suffix] as const,
      ),
    ),
  )(
    '%s with %s: byte for byte what the reference serializer writes for the same rows',
    async (type, suffix) => {
      const id = await seedReservation({
        export_type: type,
        codes: [...nastyCodes(), ...characterCodes(), ...plainCodes(300)],
        url_suffix: {
          'a suffix that needs escaping': type === 'json' ? '?x="1"' : '?x=1&y=2',
          'a plain suffix': '?src=label',
          'no suffix': null,
        }[suffix],
        reference_id: `REF "${type}", <&> \t =2`,
      });

      const { text } = await exportAndDownload(id);

      // The document's order is the database's scan order: put the expected rows in it.
      const order =
        type === 'csv'
          ? csvAsRows(parseCsvRows(text)).map((r) => r.code)
          : type === 'json'
            ? (JSON.parse(text).codes as ExportRow[]).map((r) => r.code)
            : xmlAsRows(xmlParser.parse(text) as ParsedXml).map((r) => r.code);
      const expected = await expectedRows(id);
      const key = (code: string) => (type === 'xml' ? xmlCarried(code) : code);
      const byKey = new Map(expected.map((row) => [key(row.code), row]));
      expect(byKey.size).toBe(expected.length);
      const ordered = order.map((code) => byKey.get(code) as ExportRow);
      expect(ordered.every(Boolean)).toBe(true);
      const reference = await serialize(
        createExportSerializer(type, {
          reservation: id,
          reference_id: `REF "${type}", <&> \t =2`,
          product: PRODUCT,
          code_type: 'sgtin',
        }),
        [ordered.slice(0, 7), ordered.slice(7)],
      );
      expect(text).toBe(reference);
    },
  );
});

describe('ReservationExportService: the file, once', () => {
  it('records name, type, size and sha256 of the document, stores it compressed, and completes the reservation', async () => {
    const id = await seedReservation({
      export_type: 'csv',
      codes: plainCodes(50),
      reference_id: 'PO 2024/7 "north"',
    });

    const { bytes, file } = await exportAndDownload(id);

    expect(file).toMatchObject({
      account,
      storage: 's3',
      filename_download: 'PO_2024_7_north_.csv',
      type: 'text/csv; charset=utf-8',
      filesize: String(bytes.length),
      checksum: createHash('sha256').update(bytes).digest('hex'),
      uploaded_by: user,
    });
    expect(file.storage_key).toBe(`exports/${account}/${id}/${file.id}.csv`);
    const stored = await storage.getStream(file.storage_key, { decode: false });
    expect(stored.contentEncoding).toBe('gzip');
    expect(gunzipSync(await readAll(stored.body))).toEqual(bytes);
    expect(stored.size).toBeLessThan(bytes.length / 2);
    expect(await reservationRow(id)).toMatchObject({ status: 'complete', export_file: file.id });
    expect(await objectsOf(id)).toEqual([file.storage_key]);
    // Both events were recorded with the completion (the outbox), naming the file.
    const data = { id, export_file: file.id, quantity: 50, export_type: 'csv' };
    expect(await eventsOf(id)).toEqual([
      { event: 'code_reservation.completed', account, data },
      { event: 'export.ready', account, data },
    ]);
  });

  it('running it again is a no-op: no second file, no second object', async () => {
    const id = await seedReservation({ export_type: 'json', codes: plainCodes(30) });
    const { file } = await exportAndDownload(id);

    expect(await service.run(id)).toBe('skipped');

    expect(await fileRowsOf(id)).toHaveLength(1);
    expect(await objectsOf(id)).toEqual([file.storage_key]);
    expect((await eventsOf(id)).map((e) => e.event)).toEqual([
      'code_reservation.completed',
      'export.ready',
    ]);
    expect(await reservationRow(id)).toMatchObject({ status: 'complete', export_file: file.id });
  });

  it('two jobs for the same reservation at once leave one file and one object', async () => {
    const id = await seedReservation({ export_type: 'xml', codes: plainCodes(3_000) });

    const outcomes = await Promise.all([service.run(id), service.run(id)]);

    expect(outcomes.sort()).toEqual(['exported', 'skipped']);
    const rows = await fileRowsOf(id);
    expect(rows).toHaveLength(1);
    expect(await objectsOf(id)).toEqual([rows[0].storage_key]);
  });

  it('skips reservations that are not full, not in progress, or already exported', async () => {
    const notFull = await seedReservation({ export_type: 'csv', codes: plainCodes(3) });
    await db.query(
      `UPDATE code_reservation SET quantity_reserved = 2, quantity = 4 WHERE id = $1`,
      [notFull],
    );
    const cancelled = await seedReservation({ export_type: 'csv', codes: plainCodes(3) });
    await db.query(`UPDATE code_reservation SET status = 'cancelled' WHERE id = $1`, [cancelled]);

    expect(await service.run(notFull)).toBe('skipped');
    expect(await service.run(cancelled)).toBe('skipped');
    expect(await service.run('6f1f5b8e-0000-4000-8000-000000000000')).toBe('skipped');

    expect(await objectsOf(notFull)).toEqual([]);
    expect(await objectsOf(cancelled)).toEqual([]);
  });
});

describe('ReservationExportService: failures leave no file row pointing nowhere', () => {
  beforeEach(() => {
    // s3rver does not implement AbortMultipartUpload: the storage logs that it could not abort.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  it('a multipart upload refused midway: rethrown, no row, no object, the COPY stopped; the retry succeeds', async () => {
    // About 12 MB of CSV, stored as it is: two 8 MiB parts (compressed, it would be one PUT).
    moduleRef.get(AppConfig).EXPORT_CONTENT_ENCODING = 'identity';
    const id = await seedReservation({
      export_type: 'csv',
      codes: plainCodes(70_000),
      url_suffix: `?${'s'.repeat(60)}`,
    });
    const send = S3Client.prototype.send;
    let parts = 0;
    jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (
      this: S3Client,
      ...args: Parameters<S3Client['send']>
    ) {
      if (args[0] instanceof UploadPartCommand && ++parts === 2) {
        return Promise.reject(new Error('S3 refused part 2'));
      }
      return (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } as S3Client['send']);

    await expect(service.run(id)).rejects.toThrow('S3 refused part 2');

    expect(parts).toBeGreaterThanOrEqual(2);
    expect(await fileRowsOf(id)).toEqual([]);
    expect(await objectsOf(id)).toEqual([]);
    expect(await reservationRow(id)).toMatchObject({ status: 'in_progress', export_file: null });
    // The abandoned COPY's connection was closed, not handed back to the pool mid-stream.
    await expectNoCopyRunning();
    expect(
      await db.query(`SELECT count(*)::int AS n FROM unique_code WHERE reservation = $1`, [id]),
    ).toEqual([{ n: 70_000 }]);

    jest.restoreAllMocks();
    const { text } = await exportAndDownload(id);
    expect(parseCsvRows(text)).toHaveLength(70_000);
    expect(await fileRowsOf(id)).toHaveLength(1);
  });

  it('a compressed upload refused by the store: rethrown, no row, no object, the COPY stopped', async () => {
    const id = await seedReservation({ export_type: 'xml', codes: plainCodes(70_000) });
    const send = S3Client.prototype.send;
    jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (
      this: S3Client,
      ...args: Parameters<S3Client['send']>
    ) {
      if (args[0] instanceof PutObjectCommand || args[0] instanceof UploadPartCommand) {
        return Promise.reject(new Error('S3 refused the object'));
      }
      return (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } as S3Client['send']);

    await expect(service.run(id)).rejects.toThrow('S3 refused the object');

    expect(await fileRowsOf(id)).toEqual([]);
    expect(await objectsOf(id)).toEqual([]);
    expect(await reservationRow(id)).toMatchObject({ status: 'in_progress', export_file: null });
    await expectNoCopyRunning();
  });

  it('a stalled upload stalls the COPY: rows are read only as fast as the upload takes them', async () => {
    const id = await seedReservation({ export_type: 'csv', codes: plainCodes(70_000) });
    let produced = -1;
    jest.spyOn(storage, 'upload').mockImplementation(async (_key, body) => {
      await new Promise((resolve) => body.once('readable', resolve));
      body.read();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      produced = (body as ExportDocumentStream).rows;
      body.destroy();
      throw new Error('upload stalled');
    });

    await expect(service.run(id)).rejects.toThrow('upload stalled');

    // A few stream buffers' worth (~16 KB each, ~170 bytes a row), not the 70,000 rows.
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(5_000);
    await expectNoCopyRunning();
    expect(await fileRowsOf(id)).toEqual([]);
  });

  it('the object store down: rethrown, no row; exported once it is back', async () => {
    const id = await seedReservation({ export_type: 'json', codes: plainCodes(40) });
    await s3.stop();
    try {
      await expect(service.run(id)).rejects.toThrow();
      expect(await fileRowsOf(id)).toEqual([]);
      expect(await reservationRow(id)).toMatchObject({ status: 'in_progress', export_file: null });
    } finally {
      s3 = await startLocalS3({ port: s3Port, directory: s3Directory });
    }
    expect(await objectsOf(id)).toEqual([]);
    // What the worker does once the job's retries are used up: the reason, on the reservation.
    await service.recordFailure(id, 'connect ECONNREFUSED');
    const [failed] = await db.query(
      `SELECT status, error_message FROM code_reservation WHERE id = $1`,
      [id],
    );
    expect(failed.status).toBe('in_progress');
    expect(failed.error_message).toMatch(/could not be written.*ECONNREFUSED/);

    const { text } = await exportAndDownload(id);
    expect(JSON.parse(text).codes).toHaveLength(40);
    const [done] = await db.query(`SELECT error_message FROM code_reservation WHERE id = $1`, [id]);
    expect(done.error_message).toBeNull();
    // A late failure report does not touch a reservation that has its file.
    await service.recordFailure(id, 'late');
    expect(
      await db.query(`SELECT error_message FROM code_reservation WHERE id = $1`, [id]),
    ).toEqual([{ error_message: null }]);
  });

  it('a file row that cannot be written: rethrown, and the stored object is deleted', async () => {
    const id = await seedReservation({ export_type: 'xml', codes: plainCodes(40) });
    await refuseFileRows('no files today');
    const upload = jest.spyOn(storage, 'upload');

    await expect(service.run(id)).rejects.toThrow('no files today');

    expect(upload).toHaveBeenCalledTimes(1);
    expect(await storage.exists(upload.mock.calls[0][0])).toBe(false);
    expect(await objectsOf(id)).toEqual([]);
    expect(await fileRowsOf(id)).toEqual([]);
    expect(await reservationRow(id)).toMatchObject({ status: 'in_progress', export_file: null });
  });

  it('a reservation cancelled while exporting ends without a file row and without an object', async () => {
    const id = await seedReservation({ export_type: 'csv', codes: plainCodes(500) });
    const upload = storage.upload.bind(storage);
    jest.spyOn(storage, 'upload').mockImplementation(async (...args) => {
      const stored = await upload(...args);
      expect(await storage.exists(args[0])).toBe(true);
      // As CodeReservationWriter cancels: release the unused codes, mark it cancelled.
      await db.transaction(async (tx) => {
        await tx.query(`SELECT 1 FROM code_reservation WHERE id = $1 FOR UPDATE`, [id]);
        await tx.query(
          `UPDATE unique_code SET status = 'unassigned', reservation = NULL WHERE reservation = $1 AND status = 'reserved'`,
          [id],
        );
        await tx.query(
          `UPDATE code_reservation SET status = 'cancelled',
             quantity_reserved = (SELECT count(*) FROM unique_code WHERE reservation = $1)
           WHERE id = $1`,
          [id],
        );
      });
      return stored;
    });

    expect(await service.run(id)).toBe('skipped');

    expect(await fileRowsOf(id)).toEqual([]);
    expect(await objectsOf(id)).toEqual([]);
    expect(await reservationRow(id)).toMatchObject({ status: 'cancelled', export_file: null });
    expect(await eventsOf(id)).toEqual([]); // no export.ready for a file that does not exist
  });

  it('an export that does not hold the reservation’s quantity is refused, not published', async () => {
    const id = await seedReservation({ export_type: 'csv', codes: plainCodes(4), quantity: 5 });

    await expect(service.run(id)).rejects.toThrow(/has 4 codes, but it holds 5/);

    expect(await fileRowsOf(id)).toEqual([]);
    expect(await objectsOf(id)).toEqual([]);
    expect(await reservationRow(id)).toMatchObject({ status: 'in_progress', export_file: null });
  });
});

describe('ExportObjectSweepService: objects no file row points at', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  /** The export object a crash leaves: the row refused, and the clean-up delete failing too. */
  async function crashedExport(): Promise<{ id: string; key: string }> {
    const id = await seedReservation({ export_type: 'csv', codes: plainCodes(25) });
    await refuseFileRows('worker gone');
    const upload = jest.spyOn(storage, 'upload');
    const remove = jest.spyOn(storage, 'delete').mockRejectedValueOnce(new Error('store gone'));
    await expect(service.run(id)).rejects.toThrow('worker gone');
    remove.mockRestore();
    await db.query(`DROP TRIGGER refuse_files ON file`);
    const key = upload.mock.calls[0][0];
    expect(await storage.exists(key)).toBe(true);
    return { id, key };
  }

  it('deletes an export object left without a file row, and nothing else', async () => {
    const kept = await seedReservation({ export_type: 'json', codes: plainCodes(10) });
    await service.run(kept);
    const [keptFile] = await fileRowsOf(kept);
    const crashed = await crashedExport();
    await storage.upload('elsewhere/not-an-export.txt', Readable.from(['x']), 'text/plain');
    const sweeper = moduleRef.get(ExportObjectSweepService);

    // Page size 1: every object is its own page, so paging is exercised too.
    const outcome = await sweeper.sweep(new Date(Date.now() + 2_000), 1);

    expect(outcome.deleted).toBe(1);
    expect(outcome.checked).toBeGreaterThanOrEqual(2);
    expect(await storage.exists(crashed.key)).toBe(false);
    expect(await storage.exists(keptFile.storage_key)).toBe(true);
    expect(await storage.exists('elsewhere/not-an-export.txt')).toBe(true);
    // The crashed reservation is still waiting for its file: the next export writes it.
    expect(await service.run(crashed.id)).toBe('exported');
    expect(await objectsOf(crashed.id)).toHaveLength(1);
  });

  it('finds nothing to do before the first export has created the bucket', async () => {
    const fresh = new ObjectStorage({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: `fresh-${randomBytes(4).toString('hex')}`,
      ...LOCAL_S3_CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      const sweeper = new ExportObjectSweepService(new FileRepository(db), fresh);
      expect(await sweeper.sweep(new Date(Date.now() + 2_000))).toEqual({ checked: 0, deleted: 0 });
    } finally {
      fresh.close();
    }
  });

  it('leaves objects younger than the cutoff alone: an export in flight stores before it commits', async () => {
    const storedAfter = new Date(Date.now() - 2_000);
    const crashed = await crashedExport();
    const sweeper = moduleRef.get(ExportObjectSweepService);

    const outcome = await sweeper.sweep(storedAfter);

    expect(outcome.deleted).toBe(0);
    expect(await storage.exists(crashed.key)).toBe(true);
    expect((await sweeper.sweep(new Date(Date.now() + 2_000))).deleted).toBe(1);
    expect(await storage.exists(crashed.key)).toBe(false);
  });
});

describe('FileService (/assets/<id>)', () => {
  let fileId: string;
  let content: Buffer;

  const member: Actor = { userId: 'u', accountId: '', admin: false };
  beforeAll(async () => {
    member.accountId = account;
    const id = await seedReservation({
      export_type: 'csv',
      codes: plainCodes(10),
      reference_id: 'Réservation 7',
    });
    const exported = await exportAndDownload(id);
    fileId = exported.file.id;
    content = exported.bytes;
  });

  it('streams the content to a member of the file’s account, and to an admin of any', async () => {
    const opened = await files.open(member, fileId);
    expect(opened.file.id).toBe(fileId);
    expect(await readAll(opened.content.body)).toEqual(content);

    const admin: Actor = { userId: 'a', accountId: otherAccount, admin: true };
    expect(await readAll((await files.open(admin, fileId)).content.body)).toEqual(content);
  });

  it('refuses other accounts and ids that are not files, alike', async () => {
    const outsider: Actor = { userId: 'o', accountId: otherAccount, admin: false };
    await expect(files.open(outsider, fileId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(files.open(member, '6f1f5b8e-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(files.open(member, 'not-a-uuid')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(files.presignedUrl(outsider, fileId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('hands out a short-lived URL that serves the same bytes as a named download', async () => {
    const url = await files.presignedUrl(member, fileId);

    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
    expect(response.headers.get('content-disposition')).toContain('filename="R_servation_7.csv"');
  });
});

/** No backend of the suite's database is still running a COPY. */
async function expectNoCopyRunning(): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const running: unknown[] = await db.query(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY (%'
         AND state <> 'idle'`,
    );
    if (running.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`a COPY is still running: ${JSON.stringify(running)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
