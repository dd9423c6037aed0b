import { escapeLiteral } from 'pg';
import { csvCell, CSV_RECORD_DELIMITER, escapeXml, ExportType, isPlainText } from './formats';

export const INSERT_FILE = `
  INSERT INTO file (id, account, storage, storage_key, filename_download, title, type, filesize, checksum, uploaded_by)
  VALUES ($1, $2, 's3', $3, $4, $5, $6, $7, $8, $9)`;

/** Of the keys $1, those that no `file` row points at. */
export const UNREFERENCED_KEYS = `
  SELECT key FROM unnest($1::text[]) AS key
  WHERE NOT EXISTS (SELECT 1 FROM file WHERE file.storage_key = key)`;

/** What the rows of an export repeat from their reservation. */
export interface ExportRowsOf {
  /** The code_reservation id (a UUID). */
  reservation: string;
  /** Appended to every digital link. */
  url_suffix: string | null;
  reference_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One statement that streams every code of a reservation, already serialized, in one snapshot:
 * `COPY (SELECT <row> ...) TO STDOUT (FORMAT binary)` with a single text column, each value the
 * exact bytes the format's serializer (`formats/`) writes for that row, its line end (CSV, XML)
 * or leading `,\n` separator (JSON) included. The prologue and epilogue are added around it by
 * `ExportDocumentStream`.
 *
 * Why in SQL: at a million codes, building these strings adds about half of what COPY of the raw
 * columns takes, and Node.js only copies bytes through; the former keyset pages, parsed into row
 * objects and serialized in Node.js, took ten times as long as that COPY (see
 * tools/bench/reserve.bench.ts). One statement also reads one consistent snapshot.
 *
 * Every row takes a fast path (plain concatenation) unless one of its free-text values (code,
 * digital link, EPC join key, blacklist reason) holds a character the format must escape; only
 * those rows are escaped in full. PostgreSQL found the plain rows when they were written
 * (`unique_code.plain_text`, see the ExportPlainText migration): only the others take the
 * format's own test. `type` and `status`
 * are CHECK-constrained keywords, `activation_status` a digit 0-2, `product` a `/01/<14 digits>`
 * key and `reservation` a UUID, so they never need it.
 * The values that are the same on every row (reservation, reference_id, url_suffix) are escaped
 * once here and inlined as literals: COPY takes no bind parameters.
 */
export function exportRowsCopy(type: ExportType, of: ExportRowsOf): string {
  if (!UUID.test(of.reservation)) throw new TypeError(`Not a reservation id: ${of.reservation}`);
  const columns: RowColumns = {
    code: 'c.code',
    digital_link: of.url_suffix ? `(c.digital_link || ${lit(of.url_suffix)})` : 'c.digital_link',
    epc_join_key: 'c.epc_join_key',
    type: 'c.type',
    product: 'c.product',
    status: 'c.status',
    activation_status: 'c.activation_status::text',
    blacklist_reason: 'c.blacklist_reason',
  };
  return `COPY (
  SELECT ${ROW_SQL[type](columns, of)}
  FROM unique_code c
  WHERE c.reservation = '${of.reservation}'
) TO STDOUT (FORMAT binary)`;
}

/** SQL expressions of the per-row columns (digital_link with its url_suffix). */
interface RowColumns {
  code: string;
  digital_link: string;
  epc_join_key: string;
  type: string;
  product: string;
  status: string;
  activation_status: string;
  blacklist_reason: string;
}

const ROW_SQL: Readonly<Record<ExportType, (c: RowColumns, of: ExportRowsOf) => string>> = {
  csv: csvRow,
  json: jsonRow,
  xml: xmlRow,
};

/** `csvCell` (csv.serializer.ts): `'` before = + - @ TAB CR; quotes when `"` `,` CR or LF. */
function csvRow(c: RowColumns, of: ExportRowsOf): string {
  const tail = lit(
    `,${csvCell(of.reservation)},${csvCell(of.reference_id)}${CSV_RECORD_DELIMITER}`,
  );
  const probe = freeText(c);
  const special = [
    `ascii(${c.code}) ${FORMULA_START}`,
    `ascii(${c.digital_link}) ${FORMULA_START}`,
    `ascii(${c.epc_join_key}) ${FORMULA_START}`,
    `ascii(${c.blacklist_reason}) ${FORMULA_START}`,
    ...['"', ',', '\r', '\n'].map((ch) => `strpos(${probe}, ${lit(ch)}) > 0`),
  ].join(' OR ');
  const row = (cell: (value: string) => string) =>
    [
      cell(c.code),
      cell(c.digital_link),
      `coalesce(${cell(c.epc_join_key)}, '')`,
      c.type,
      `coalesce(${c.product}, '')`,
      c.status,
      c.activation_status,
      `coalesce(${cell(c.blacklist_reason)}, '')`,
    ].join(` || ',' || `) + ` || ${tail}`;
  return `CASE WHEN ${needsEscaping(special, of)} THEN ${row(csvCellSql)} ELSE ${row((v) => v)} END`;
}

/** First characters that make a spreadsheet read a cell as a formula: = + - @ TAB CR. */
const FORMULA_START = 'IN (61, 43, 45, 64, 9, 13)';

function csvCellSql(value: string): string {
  const escaped = `CASE WHEN ascii(${value}) ${FORMULA_START} THEN '''' || ${value} ELSE ${value} END`;
  return (
    `CASE WHEN ${escaped} ~ ${lit('[",\\r\\n]')} ` +
    `THEN '"' || replace(${escaped}, '"', '""') || '"' ELSE ${escaped} END`
  );
}

/**
 * `JSON.stringify` of the row (json.serializer.ts), after a `,\n` separator. PostgreSQL's
 * `to_json(text)` escapes exactly as JSON.stringify does: `"` `\` as `\"` `\\`, \b \f \n \r \t,
 * other control characters as `\u00xx` (lower-case hex), nothing else.
 */
function jsonRow(c: RowColumns, of: ExportRowsOf): string {
  const tail = lit(
    `,"reservation":${JSON.stringify(of.reservation)},"reference_id":${JSON.stringify(of.reference_id)}}`,
  );
  const probe = freeText(c);
  const special = `${probe} ~ ${lit('[\\x01-\\x1f"\\\\]')}`;
  const row = (string: (value: string) => string) =>
    [
      `${lit(',\n{"code":')} || ${string(c.code)}`,
      `${lit(',"digital_link":')} || ${string(c.digital_link)}`,
      `${lit(',"epc_join_key":')} || coalesce(${string(c.epc_join_key)}, 'null')`,
      `${lit(',"type":"')} || ${c.type}`,
      `${lit('","product":')} || coalesce('"' || ${c.product} || '"', 'null')`,
      `${lit(',"status":"')} || ${c.status} || '"'`,
      `${lit(',"activation_status":')} || ${c.activation_status}`,
      `${lit(',"blacklist_reason":')} || coalesce(${string(c.blacklist_reason)}, 'null')`,
      tail,
    ].join(' || ');
  return `CASE WHEN ${needsEscaping(special, of)} THEN ${row((v) => `to_json(${v})::text`)} ELSE ${row((v) => `'"' || ${v} || '"'`)} END`;
}

/**
 * The row's `<unique_code>` element and a line end (xml.serializer.ts): null fields left out,
 * text escaped as `escapeXml` does (entities for & < > " ', character references for TAB, LF,
 * CR, U+FFFD for the characters XML 1.0 cannot carry). PostgreSQL text holds no NUL and no
 * surrogates, the other characters escapeXml replaces.
 */
function xmlRow(c: RowColumns, of: ExportRowsOf): string {
  const tail = lit(
    `<reservation>${escapeXml(of.reservation)}</reservation>` +
      (of.reference_id === null
        ? ''
        : `<reference_id>${escapeXml(of.reference_id)}</reference_id>`) +
      '</unique_code>\n',
  );
  const probe = freeText(c);
  const special = `${probe} ~ ${lit('[&<>"\'\\x01-\\x1f\\uFFFE\\uFFFF]')}`;
  const row = (text: (value: string) => string) =>
    [
      // Neighbouring tags are one literal: each || is a function call and a copy of the row so far.
      `'<unique_code><code>' || ${text(c.code)}`,
      `'</code><digital_link>' || ${text(c.digital_link)} || '</digital_link>'`,
      `coalesce('<epc_join_key>' || ${text(c.epc_join_key)} || '</epc_join_key>', '')`,
      `'<type>' || ${c.type} || '</type>'`,
      `coalesce('<product>' || ${c.product} || '</product>', '')`,
      `'<status>' || ${c.status}`,
      `'</status><activation_status>' || ${c.activation_status} || '</activation_status>'`,
      `coalesce('<blacklist_reason>' || ${text(c.blacklist_reason)} || '</blacklist_reason>', '')`,
      tail,
    ].join(' || ');
  return `CASE WHEN ${needsEscaping(special, of)} THEN ${row(xmlTextSql)} ELSE ${row((v) => v)} END`;
}

const XML_REPLACEMENTS: readonly [string, string][] = [
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&apos;'],
  ['\t', '&#9;'],
  ['\n', '&#10;'],
  ['\r', '&#13;'],
];

function xmlTextSql(value: string): string {
  const allowed = `regexp_replace(${value}, ${lit('[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\uFFFE\\uFFFF]')}, ${lit('\uFFFD')}, 'g')`;
  return XML_REPLACEMENTS.reduce(
    (expression, [from, to]) => `replace(${expression}, ${lit(from)}, ${lit(to)})`,
    allowed,
  );
}

/**
 * When a row takes the escaping path: when the format's own test (`special`) finds something,
 * asked only of rows that `plain_text` does not call plain. That flag knows the row's own values,
 * not the url_suffix the fast path appends as it is: a suffix that is not plain itself leaves
 * every row to the format's test.
 */
function needsEscaping(special: string, of: ExportRowsOf): string {
  if (of.url_suffix && !isPlainText(of.url_suffix)) return special;
  return `NOT c.plain_text AND (${special})`;
}

/** The row's free-text values in one string, to test once whether any needs escaping. */
function freeText(c: RowColumns): string {
  return `(${c.code} || ${c.digital_link} || coalesce(${c.epc_join_key}, '') || coalesce(${c.blacklist_reason}, ''))`;
}

/** A SQL string literal of `value`, whatever it holds. */
function lit(value: string): string {
  return escapeLiteral(value);
}
