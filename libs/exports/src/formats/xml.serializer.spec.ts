import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EXPORT_COLUMNS, ExportRow } from './export-row';
import { NASTY_META, inBatches, nastyRows, serialize } from './export-row.fixtures';
import { XmlSerializer, escapeXml } from './xml.serializer';

/** The XML 1.0 `Char` production, negated. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => name === 'unique_code',
});

interface ParsedDocument {
  code_reservation: Record<string, string> & {
    codes: { unique_code?: Record<string, string>[] } | string;
  };
}

function parseXml(text: string): ParsedDocument {
  expect(XMLValidator.validate(text)).toBe(true);
  expect(text).not.toMatch(NOT_XML_CHAR);
  return parser.parse(text) as ParsedDocument;
}

/** What an XML reader gets back: characters XML 1.0 cannot carry come back as U+FFFD. */
function expectedText(value: string): string {
  return value.replace(NOT_XML_CHARS, '\uFFFD');
}

function rootAttributes(document: ParsedDocument): Record<string, string> {
  const { codes: _codes, ...attributes } = document.code_reservation;
  return attributes;
}

describe('XmlSerializer', () => {
  it('writes well-formed XML 1.0 with every field of every row, read back exactly', async () => {
    const rows = nastyRows();
    const text = await serialize(new XmlSerializer(NASTY_META), inBatches(rows, 3));

    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<code_reservation ')).toBe(
      true,
    );
    const document = parseXml(text);
    expect(rootAttributes(document)).toEqual({
      id: NASTY_META.reservation,
      reference_id: NASTY_META.reference_id,
      product: NASTY_META.product,
      code_type: NASTY_META.code_type,
    });
    const codes = document.code_reservation.codes;
    const parsed = typeof codes === 'string' ? [] : (codes.unique_code ?? []);
    expect(parsed).toHaveLength(rows.length);
    parsed.forEach((element, i) => {
      const expected: Record<string, string> = {};
      for (const column of EXPORT_COLUMNS) {
        const value = rows[i][column];
        if (value !== null) expected[column] = expectedText(String(value));
      }
      expect({ row: i, element }).toEqual({ row: i, element: expected });
      expect(Object.keys(element)).toEqual(Object.keys(expected));
    });
  });

  it('escapes markup and whitespace, and replaces what XML 1.0 cannot carry with U+FFFD', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
    );
    expect(escapeXml('\t\n\r')).toBe('&#9;&#10;&#13;');
    expect(escapeXml('a\u0000b\u0001c\u001fd\uFFFEe\uFFFFf\uD800g\uDC00h')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh',
    );
    expect(escapeXml('😀 ünï \u007f\u0085 \uE000')).toBe('😀 ünï \u007f\u0085 \uE000');
    expect(escapeXml('plain-code_123')).toBe('plain-code_123');
  });

  it('leaves out null fields and null root attributes', async () => {
    const row: ExportRow = {
      code: 'abc',
      digital_link: 'https://id.example.com/s/abc',
      epc_join_key: null,
      type: 'short_code',
      product: null,
      status: 'reserved',
      activation_status: 1,
      blacklist_reason: null,
      reservation: NASTY_META.reservation,
      reference_id: null,
    };
    const meta = { ...NASTY_META, reference_id: null, product: null };

    const text = await serialize(new XmlSerializer(meta), [[row]]);

    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<code_reservation id="${meta.reservation}" code_type="sgtin"><codes>\n` +
        '<unique_code><code>abc</code><digital_link>https://id.example.com/s/abc</digital_link>' +
        '<type>short_code</type><status>reserved</status><activation_status>1</activation_status>' +
        `<reservation>${meta.reservation}</reservation></unique_code>\n` +
        '</codes></code_reservation>\n',
    );
  });

  it('gives the same document whatever the batching', async () => {
    const rows = nastyRows();
    const whole = await serialize(new XmlSerializer(NASTY_META), [rows]);
    expect(await serialize(new XmlSerializer(NASTY_META), inBatches(rows, 1))).toBe(whole);
    expect(await serialize(new XmlSerializer(NASTY_META), inBatches(rows, 6))).toBe(whole);
  });

  it('writes a well-formed document with no codes for an empty export', async () => {
    const text = await serialize(new XmlSerializer(NASTY_META), []);
    const document = parseXml(text);
    expect(rootAttributes(document).id).toBe(NASTY_META.reservation);
    expect(document.code_reservation.codes).not.toHaveProperty('unique_code');
    expect(text.endsWith('<codes>\n</codes></code_reservation>\n')).toBe(true);
  });
});
