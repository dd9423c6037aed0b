import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { Client } from 'pg';
import { UNIQUE_CODE_COLLECTION } from '@sid/codes';
import { ObjectStorage } from '@sid/shared/storage';
import { checkIngestion, UPLOAD_PREFIX, WORKORDER_PREFIX } from './chaos-ingestion-invariants';
import { Acknowledged } from './chaos-workload';

/** One checked promise: how many rows break it (0 is kept), with a few examples. */
export interface Invariant {
  name: string;
  violations: number;
  /** How many things were checked. */
  checked: number;
  examples: string[];
}

type Row = Record<string, unknown>;

/**
 * The promises, checked with SQL and the object store's own listing, never with the API's
 * answers: jobs exact, reservations exact or released, no duplicate and no ownerless code, each
 * export file parsing to exactly its reservation's codes, no object without a row and no row
 * without an object, the uploads' promises (chaos-ingestion-invariants.ts), the count tally
 * equal to the codes, and every acknowledged write present.
 */
export async function checkInvariants(
  db: Client,
  storage: ObjectStorage,
  ack: Acknowledged,
): Promise<Invariant[]> {
  const checks: Invariant[] = [];
  const add = (name: string, checked: number, bad: string[]) =>
    checks.push({ name, checked, violations: bad.length, examples: bad.slice(0, 5) });
  const rows = async (sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await db.query(sql, params)).rows;

  const jobs = await rows(`
    SELECT j.id, j.status, j.quantity, j.quantity_created, j.error_message,
           (SELECT count(*)::int FROM unique_code c WHERE c.identifier_job = j.id) AS codes
    FROM identifier_job j`);
  add(
    'every identifier job complete with exactly quantity codes',
    jobs.length,
    jobs
      .filter(
        (j) =>
          j.status !== 'complete' || j.codes !== j.quantity || j.quantity_created !== j.quantity,
      )
      .map(
        (j) => `job ${j.id}: ${j.status}, ${j.codes}/${j.quantity} codes ${j.error_message ?? ''}`,
      ),
  );

  const reservations = await rows(`
    SELECT r.id, r.status, r.quantity, r.quantity_reserved, r.export_file, r.error_message,
           count(c.id) FILTER (WHERE c.status = 'reserved')::int AS reserved,
           count(c.id)::int AS held
    FROM code_reservation r LEFT JOIN unique_code c ON c.reservation = r.id
    GROUP BY r.id`);
  add(
    'every reservation complete with exactly quantity codes, or cancelled with its codes released',
    reservations.length,
    reservations
      .filter((r) =>
        r.status === 'complete'
          ? r.held !== r.quantity || r.quantity_reserved !== r.quantity || !r.export_file
          : r.status !== 'cancelled' || r.reserved !== 0,
      )
      .map(
        (r) =>
          `reservation ${r.id}: ${r.status}, holds ${r.held}/${r.quantity} ${r.error_message ?? ''}`,
      ),
  );

  const [{ n: codes }] = await rows(`SELECT count(*)::int AS n FROM unique_code`);
  const duplicates = await rows(`
    SELECT product, type, code, count(*)::int AS n FROM unique_code GROUP BY 1, 2, 3 HAVING count(*) > 1
    UNION ALL
    SELECT NULL, type, code, count(*)::int FROM unique_code WHERE type IN ('sscc', 'short_code')
    GROUP BY 2, 3 HAVING count(*) > 1`);
  add(
    '0 duplicate codes',
    Number(codes),
    duplicates.map((d) => `${d.type} ${d.product ?? ''} ${d.code} x${d.n}`),
  );

  const ownerless = await rows(`
    SELECT c.id, c.status, r.status AS reservation_status FROM unique_code c
    LEFT JOIN code_reservation r ON r.id = c.reservation
    WHERE (c.status = 'reserved' AND (r.id IS NULL OR r.status <> 'complete'))
       OR (c.status = 'unassigned' AND c.reservation IS NOT NULL)`);
  add(
    '0 codes reserved by nobody (or by a reservation not complete)',
    Number(codes),
    ownerless.map(
      (c) => `code ${c.id}: ${c.status}, reservation ${c.reservation_status ?? 'none'}`,
    ),
  );

  // The store's own listing, against the file rows.
  const listed = new Set<string>();
  for await (const page of storage.list('', 1000))
    for (const object of page) listed.add(object.key);
  const files = await rows(`
    SELECT f.id, f.storage_key, r.id AS reservation, r.export_type, r.status
    FROM file f LEFT JOIN code_reservation r ON r.export_file = f.id`);
  const recorded = new Set(files.map((f) => String(f.storage_key)));
  add(
    '0 files recorded but missing from the store',
    files.length,
    files
      .filter((f) => !listed.has(String(f.storage_key)))
      .map((f) => `file ${f.id}: ${f.storage_key}`),
  );
  // Workorder zips and uploaded files are checked against their own rows (checkIngestion).
  const exportObjects = [...listed].filter(
    (key) => !key.startsWith(WORKORDER_PREFIX) && !key.startsWith(UPLOAD_PREFIX),
  );
  add(
    '0 orphan export objects (stored, no file row)',
    exportObjects.length,
    exportObjects.filter((key) => !recorded.has(key)),
  );
  add(
    '0 file rows no reservation points at',
    files.length,
    files.filter((f) => !f.reservation).map((f) => `file ${f.id}`),
  );

  // Every export parses, and lists exactly what its reservation holds; no code in two files.
  const badFiles: string[] = [];
  const inFiles = new Map<string, string>();
  const twice: string[] = [];
  for (const file of files.filter((f) => f.reservation && listed.has(String(f.storage_key)))) {
    let links: string[];
    try {
      links = await linksInFile(storage, String(file.storage_key), String(file.export_type));
    } catch (error) {
      badFiles.push(`${file.storage_key}: does not parse (${String(error).slice(0, 200)})`);
      continue;
    }
    const held = (
      await rows(`SELECT digital_link FROM unique_code WHERE reservation = $1`, [file.reservation])
    ).map((r) => String(r.digital_link));
    const a = [...links].sort();
    const b = held.sort();
    if (a.length !== b.length || a.some((link, i) => link !== b[i]))
      badFiles.push(
        `${file.storage_key}: ${a.length} codes in the file, reservation holds ${b.length}`,
      );
    for (const link of links) {
      const other = inFiles.get(link);
      if (other && other !== file.id) twice.push(`${link} in files ${other} and ${file.id}`);
      inFiles.set(link, String(file.id));
    }
  }
  add("every export file parses and lists exactly its reservation's codes", files.length, badFiles);
  add('0 codes in two export files', inFiles.size, twice);

  const ingestion = await checkIngestion(rows, storage, listed, ack.uploads, add);

  // The counts' tally (CodeTally migration) is exactly the codes, group by group, whatever
  // was killed mid-write (grouping both sides together: GROUP BY matches NULLs, a join would not).
  const groups = ['account', ...(UNIQUE_CODE_COLLECTION.tally?.fields ?? [])].join(', ');
  const tallied = await rows(`
    SELECT ${groups}, sum(code)::int AS codes, sum(tallied)::int AS tallied
    FROM (
      SELECT ${groups}, 1 AS code, 0 AS tallied FROM unique_code
      UNION ALL
      SELECT ${groups}, 0, codes FROM unique_code_tally
    ) counted
    GROUP BY ${groups}`);
  add(
    'the count tally equals the codes in every group',
    tallied.length,
    tallied
      .filter((g) => g.codes !== g.tallied)
      .map(
        (g) =>
          `${g.account} ${g.identifier_job ?? g.workorder} ${g.status}: ${g.codes} codes, tally ${g.tallied}`,
      ),
  );

  // Acknowledged writes.
  const lost: string[] = [...ingestion.lost];
  const present = async (table: string, ids: string[]) =>
    new Set(
      (await rows(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [ids])).map((r) =>
        String(r.id),
      ),
    );
  const jobIds = await present(
    'identifier_job',
    ack.jobs.map((j) => j.id),
  );
  for (const job of ack.jobs)
    if (!jobIds.has(job.id)) lost.push(`identifier_job ${job.id} (201) missing`);
  const reservationIds = await present(
    'code_reservation',
    ack.reservations.map((r) => r.id),
  );
  for (const r of ack.reservations)
    if (!reservationIds.has(r.id)) lost.push(`code_reservation ${r.id} (201) missing`);
  const statusOf = new Map(reservations.map((r) => [String(r.id), String(r.status)]));
  for (const id of ack.cancelled)
    if (statusOf.get(id) !== 'cancelled')
      lost.push(`cancel of ${id} answered 2xx, status ${statusOf.get(id)}`);
  let movedCodes = 0;
  for (const move of ack.moved) {
    movedCodes += move.ids.length;
    const allowed = move.status === 'assigned' ? ['assigned', 'encoded'] : ['encoded'];
    const behind = await rows(
      `SELECT id, status FROM unique_code WHERE id = ANY($1::uuid[]) AND NOT status = ANY($2)`,
      [move.ids, allowed],
    );
    for (const code of behind)
      lost.push(`code ${code.id} PATCHed ${move.status} (2xx), now ${code.status}`);
  }
  add(
    'every 2xx write found in the database',
    ack.jobs.length +
      ack.reservations.length +
      ack.cancelled.length +
      movedCodes +
      ingestion.checked,
    lost,
  );
  return checks;
}

/** The digital links an export file lists, parsed as its format. */
async function linksInFile(storage: ObjectStorage, key: string, type: string): Promise<string[]> {
  const { body } = await storage.getStream(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (type === 'csv') {
    return (parseCsv(text, { columns: true }) as { digital_link: string }[]).map(
      (r) => r.digital_link,
    );
  }
  if (type === 'json') {
    return (JSON.parse(text) as { codes: { digital_link: string }[] }).codes.map(
      (c) => c.digital_link,
    );
  }
  const xml = new XMLParser({ parseTagValue: false }).parse(text) as {
    code_reservation: {
      codes: { unique_code?: { digital_link: string } | { digital_link: string }[] };
    };
  };
  return [xml.code_reservation.codes.unique_code ?? []].flat().map((c) => c.digital_link);
}
