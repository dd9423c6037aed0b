import { parse as parseCsv } from 'csv-parse/sync';
import { fromBuffer, ZipFile } from 'yauzl';
import { ObjectStorage } from '@sid/shared/storage';
import { AcknowledgedUpload } from './chaos-ingestion';

type Row = Record<string, unknown>;
type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;
type Add = (name: string, checked: number, bad: string[]) => void;

/** Where the upload API's objects live: the uploaded files, and the workorders' zips. */
export const UPLOAD_PREFIX = 'ingestion/';
export const WORKORDER_PREFIX = 'workorders/';

/**
 * The promises of code ingestion, checked with SQL and the store's listing: every record
 * finished, a completed record's workorder holding exactly its file's codes and an errored one's
 * none, no uploaded code twice, every completed workorder's zip stored and listing exactly its
 * codes, no object without its row, every finishing event recorded once, and every upload ended
 * as its file was made. Answers what the 2xx writes of the upload API left missing, for the
 * run's check of acknowledged writes.
 */
export async function checkIngestion(
  rows: Query,
  storage: ObjectStorage,
  listed: ReadonlySet<string>,
  uploads: readonly AcknowledgedUpload[],
  add: Add,
): Promise<{ checked: number; lost: string[] }> {
  const records = await rows(`
    SELECT r.id::text AS id, r.key, r.status, r.object_key, r.filetype, r.parameters,
           r.result_data, w.id::text AS workorder, w.quantity
    FROM ingestion_record r LEFT JOIN workorder w ON w.ingestion_record = r.id
    ORDER BY r.id`);
  add(
    'every processed upload record ends completed or error (none stuck processing)',
    records.length,
    records
      .filter((r) => r.status === 'processing')
      .map((r) => `record ${r.key}: still processing`),
  );

  // The ids each finished file lists, read back from the store (an errored file may be missing).
  const idsOf = new Map<string, string[]>();
  for (const r of records.filter((r) => r.status === 'completed' || r.status === 'error')) {
    if (!listed.has(String(r.object_key))) continue;
    try {
      idsOf.set(String(r.key), await fileIds(storage, String(r.object_key), String(r.filetype)));
    } catch {
      // A file that does not parse must have ended in error; checked below with its codes.
    }
  }

  const completedIds = new Map<string, string>();
  const wrongWorkorders: string[] = [];
  const twice: string[] = [];
  const completed = records.filter((r) => r.status === 'completed');
  for (const r of completed) {
    const listedIds = idsOf.get(String(r.key));
    if (r.workorder === null || listedIds === undefined) {
      wrongWorkorders.push(`record ${r.key}: completed without a workorder or a readable file`);
      continue;
    }
    const allowed = (r.parameters as Row).allow_posted_duplicates === true;
    const expected = (allowed ? [...new Set(listedIds)] : listedIds).sort();
    const held = (
      await rows(`SELECT code FROM unique_code WHERE workorder = $1 ORDER BY code`, [r.workorder])
    ).map((c) => String(c.code));
    const resultWorkorder = String((r.result_data as Row).workorder_id);
    if (!sameList(expected, held.sort()) || Number(r.quantity) !== held.length)
      wrongWorkorders.push(
        `record ${r.key}: file lists ${expected.length} codes, workorder ${r.workorder} holds ${held.length} (quantity ${r.quantity})`,
      );
    else if (resultWorkorder !== String(r.workorder))
      wrongWorkorders.push(`record ${r.key}: result names workorder ${resultWorkorder}`);
    for (const id of new Set(listedIds)) {
      const other = completedIds.get(id);
      if (other) twice.push(`${id} in completed files ${other} and ${r.key}`);
      completedIds.set(id, String(r.key));
    }
  }
  add(
    "a completed record's workorder holds exactly the file's codes (count and set)",
    completed.length,
    wrongWorkorders,
  );

  const leftovers: string[] = [];
  const errored = records.filter((r) => r.status === 'error');
  for (const r of errored) {
    if (r.workorder !== null)
      leftovers.push(`record ${r.key}: error, but workorder ${r.workorder}`);
    const ids = idsOf.get(String(r.key)) ?? [];
    const present = await rows(
      `SELECT code FROM unique_code WHERE type = 'custom' AND code = ANY($1)`,
      [ids],
    );
    for (const c of present)
      if (!completedIds.has(String(c.code)))
        leftovers.push(`code ${c.code} of errored record ${r.key} exists, in no completed file`);
  }
  add('0 codes of an errored record exist', errored.length, leftovers);

  const [{ n: custom }] = await rows(
    `SELECT count(*)::int AS n FROM unique_code WHERE type = 'custom'`,
  );
  const doubled = await rows(`
    SELECT code, count(*)::int AS n FROM unique_code
    WHERE code IN (SELECT code FROM unique_code WHERE type = 'custom')
    GROUP BY code HAVING count(*) > 1`);
  const stray = await rows(`
    SELECT c.code, r.key, r.status FROM unique_code c
    LEFT JOIN workorder w ON w.id = c.workorder
    LEFT JOIN ingestion_record r ON r.id = w.ingestion_record
    WHERE c.type = 'custom' AND (r.status IS DISTINCT FROM 'completed')
    LIMIT 100`);
  add('0 uploaded codes twice, or outside a completed record', Number(custom), [
    ...twice,
    ...doubled.map((d) => `code ${d.code} x${d.n}`),
    ...stray.map((s) => `code ${s.code}: record ${s.key ?? 'none'} ${s.status ?? ''}`),
  ]);

  const workorders = await rows(
    `SELECT id::text AS id, status, file_key, quantity FROM workorder ORDER BY id`,
  );
  const badZips: string[] = [];
  for (const w of workorders) {
    if (w.status !== 'completed') {
      badZips.push(`workorder ${w.id}: still ${w.status}`);
      continue;
    }
    if (!listed.has(String(w.file_key))) {
      badZips.push(`workorder ${w.id}: ${w.file_key} missing from the store`);
      continue;
    }
    const held = (
      await rows(`SELECT code FROM unique_code WHERE workorder = $1 ORDER BY code`, [w.id])
    ).map((c) => String(c.code));
    try {
      const entries = await unzip(await download(storage, String(w.file_key)));
      const names = ['codes.csv', 'manifest.json', ...(held.length > 0 ? ['sample_qr.png'] : [])];
      const absent = names.filter((name) => !entries.has(name));
      const inCsv = (
        parseCsv(entries.get('codes.csv') ?? '', { columns: true }) as { serial_number: string }[]
      ).map((c) => c.serial_number);
      if (absent.length > 0) badZips.push(`workorder ${w.id}: zip without ${absent.join(', ')}`);
      else if (!sameList(inCsv.sort(), held))
        badZips.push(
          `workorder ${w.id}: codes.csv lists ${inCsv.length} codes, the workorder holds ${held.length}`,
        );
    } catch (error) {
      badZips.push(`workorder ${w.id}: zip does not read (${String(error).slice(0, 200)})`);
    }
  }
  add(
    "every workorder completed, its zip in S3, its codes.csv listing exactly the workorder's codes",
    workorders.length,
    badZips,
  );

  const zips = new Set(workorders.map((w) => String(w.file_key)));
  const objects = new Set(records.map((r) => String(r.object_key)));
  const ingestionObjects = [...listed].filter(
    (key) => key.startsWith(WORKORDER_PREFIX) || key.startsWith(UPLOAD_PREFIX),
  );
  add(
    '0 orphan workorder or upload objects (stored, no row)',
    ingestionObjects.length,
    ingestionObjects.filter((key) =>
      key.startsWith(WORKORDER_PREFIX) ? !zips.has(key) : !objects.has(key),
    ),
  );

  // The events that say a row finished: exactly one per finished row, none for another.
  const events = await rows(`
    SELECT event, subject, count(*)::int AS n FROM event_outbox
    WHERE event IN ('ingestion_record.completed', 'ingestion_record.failed', 'workorder.completed')
    GROUP BY 1, 2`);
  const count = new Map(events.map((e) => [`${e.event} ${e.subject}`, Number(e.n)]));
  const expected = new Map<string, number>();
  for (const r of records) {
    expected.set(`ingestion_record.completed ${r.key}`, r.status === 'completed' ? 1 : 0);
    expected.set(`ingestion_record.failed ${r.key}`, r.status === 'error' ? 1 : 0);
  }
  for (const w of workorders)
    expected.set(`workorder.completed ${w.id}`, w.status === 'completed' ? 1 : 0);
  const wrongEvents: string[] = [];
  for (const [event, n] of expected)
    if ((count.get(event) ?? 0) !== n)
      wrongEvents.push(`${event}: ${count.get(event) ?? 0} recorded, ${n} expected`);
  for (const event of count.keys())
    if (!expected.has(event)) wrongEvents.push(`${event}: about no row`);
  add(
    'every ingestion_record.completed / failed and workorder.completed event exactly once per finished row',
    [...expected.values()].filter((n) => n === 1).length,
    wrongEvents,
  );

  // Each upload ended as its file was made.
  const byKey = new Map(records.map((r) => [String(r.key), r]));
  const processed = uploads.filter((u) => u.processed);
  const statusOfFile = new Map(processed.map((u) => [u.file, byKey.get(u.key)?.status]));
  const sharers = new Map<number, number[]>();
  for (const u of processed)
    if (u.rivalFile !== undefined)
      sharers.set(u.rivalFile, [...(sharers.get(u.rivalFile) ?? []), u.file]);
  const unexpected: string[] = [];
  // (A record not found at all is a lost write, reported with the others.)
  for (const u of processed.filter((p) => byKey.has(p.key))) {
    const status = byKey.get(u.key)?.status;
    const errors = JSON.stringify(
      (byKey.get(u.key)?.result_data as Row | undefined)?.errors ?? '',
    ).slice(0, 200);
    const was = `${u.kind} file ${u.file} (record ${u.key}) ended ${status} ${errors}`;
    if (u.kind === 'valid' || u.kind === 'allowed_duplicate') {
      // A valid file may lose its first ids to a file that repeats them and came first.
      const lostTo = (sharers.get(u.file) ?? []).some((f) => statusOfFile.get(f) === 'completed');
      if (status !== 'completed' && !(status === 'error' && lostTo)) unexpected.push(was);
    } else if (u.kind === 'shares_ids') {
      if (status !== 'completed' && status !== 'error') unexpected.push(was);
    } else if (status !== 'error') unexpected.push(was);
  }
  add(
    'every processed upload ended as its file was made (valid completed, broken error)',
    processed.length,
    unexpected,
  );

  // The upload API's 2xx writes: each record created, and each processed one started.
  const lost: string[] = [];
  for (const u of uploads) {
    const record = byKey.get(u.key);
    if (!record) lost.push(`ingestion_record ${u.key} (get-post-data 201) missing`);
    else if (u.processed && !['processing', 'completed', 'error'].includes(String(record.status)))
      lost.push(`ingestion_record ${u.key}: process answered 2xx, status ${record.status}`);
  }
  return { checked: uploads.length + processed.length, lost };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function download(storage: ObjectStorage, key: string): Promise<Buffer> {
  const { body } = await storage.getStream(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The ids an uploaded file lists, as the worker reads them (CSV `id` column, JSON `id` keys). */
async function fileIds(storage: ObjectStorage, key: string, type: string): Promise<string[]> {
  const text = (await download(storage, key)).toString('utf8');
  const items: { id?: unknown }[] =
    type === 'csv' ? parseCsv(text, { columns: true, skip_empty_lines: true }) : JSON.parse(text);
  return items.map((item) => String(item.id));
}

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(buffer, { lazyEntries: true }, (error, zip?: ZipFile) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
