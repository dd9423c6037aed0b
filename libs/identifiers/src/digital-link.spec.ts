import {
  encodeAiValue,
  graiLink,
  isValidAi21Serial,
  productLink,
  sgtinEpcJoinKey,
  sgtinLink,
  shortCodeLink,
  ssccLink,
} from './digital-link';
import { InvalidIdentifierError } from './identifier.exception';

const CSET_82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

describe('encodeAiValue', () => {
  it('leaves unreserved characters alone', () => {
    expect(encodeAiValue('AZaz09-._~')).toBe('AZaz09-._~');
  });

  it('encodes every other CSet 82 character as %XX with upper-case hex', () => {
    for (const c of CSET_82) {
      const expected = UNRESERVED.test(c)
        ? c
        : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
      expect(encodeAiValue(c)).toBe(expected);
    }
  });

  it('encodes the GS1 Digital Link example serial and round-trips', () => {
    expect(encodeAiValue(`AB/12&x y'(*)!`)).toBe('AB%2F12%26x%20y%27%28%2A%29%21');
    expect(decodeURIComponent(encodeAiValue(CSET_82))).toBe(CSET_82);
  });

  it('encodes non-ASCII as UTF-8 bytes', () => {
    expect(encodeAiValue('é€')).toBe('%C3%A9%E2%82%AC');
  });

  it('rejects text that is not valid Unicode', () => {
    expect(() => encodeAiValue('\ud800')).toThrow(InvalidIdentifierError);
  });
});

describe('isValidAi21Serial', () => {
  it.each(['1', 'A'.repeat(20), CSET_82.slice(0, 20), `!"%&'()*+,-./:;<=>?_`])(
    'accepts %j',
    (s) => {
      expect(isValidAi21Serial(s)).toBe(true);
    },
  );

  it.each(['', 'A'.repeat(21), 'AB C', 'AB#', 'AB~', 'AB@', 'é', 'AB\n'])('rejects %j', (s) => {
    expect(isValidAi21Serial(s)).toBe(false);
  });
});

describe('link builders', () => {
  const host = 'id.brand.com';

  it('builds SGTIN links with the serial encoded', () => {
    expect(sgtinLink(host, '09506000134352', 'ABC123')).toBe(
      'https://id.brand.com/01/09506000134352/21/ABC123',
    );
    expect(sgtinLink(host, '09506000134352', '12/3%')).toBe(
      'https://id.brand.com/01/09506000134352/21/12%2F3%25',
    );
  });

  it('builds product, SSCC, GRAI and short-code links', () => {
    expect(productLink(host, '09312345551927')).toBe('https://id.brand.com/01/09312345551927');
    expect(ssccLink(host, '106141411234567897')).toBe('https://id.brand.com/00/106141411234567897');
    expect(graiLink(host, '00614141123452A/1')).toBe(
      'https://id.brand.com/8003/00614141123452A%2F1',
    );
    expect(shortCodeLink(host, 'Xy7-k')).toBe('https://id.brand.com/Xy7-k');
    expect(shortCodeLink(host, 'a b')).toBe('https://id.brand.com/a%20b');
  });

  it('keeps a port and lower-cases the host', () => {
    expect(productLink('ID.Brand.COM:8443', '09312345551927')).toBe(
      'https://id.brand.com:8443/01/09312345551927',
    );
    expect(productLink('localhost:3000', '09312345551927')).toBe(
      'https://localhost:3000/01/09312345551927',
    );
    expect(productLink('[::1]:8080', '09312345551927')).toBe(
      'https://[::1]:8080/01/09312345551927',
    );
  });

  it.each([
    'https://id.brand.com',
    'id.brand.com/',
    'id.brand.com/path',
    '',
    'id brand.com',
    'id.brand.com:70000',
    '-id.brand.com',
  ])('rejects the host %j', (bad) => {
    expect(() => productLink(bad, '09312345551927')).toThrow(
      expect.objectContaining({ field: 'host' }),
    );
  });

  it('validates the identifiers', () => {
    expect(() => sgtinLink(host, '09506000134350', 'A')).toThrow(
      expect.objectContaining({ field: 'gtin', message: expect.stringContaining('expected 2') }),
    );
    expect(() => sgtinLink(host, '4006381333931', 'A')).toThrow(
      expect.objectContaining({ field: 'gtin' }),
    );
    expect(() => sgtinLink(host, '09506000134352', 'A#')).toThrow(
      expect.objectContaining({ field: 'serial' }),
    );
    expect(() => ssccLink(host, '106141411234567890')).toThrow(
      expect.objectContaining({ field: 'sscc' }),
    );
    expect(() => graiLink(host, '00614141123453A')).toThrow(
      expect.objectContaining({ field: 'grai' }),
    );
    expect(() => shortCodeLink(host, '')).toThrow(expect.objectContaining({ field: 'code' }));
  });
});

describe('sgtinEpcJoinKey', () => {
  it('joins GTIN-14 and serial', () => {
    expect(sgtinEpcJoinKey('80614141123458', '6789')).toBe('80614141123458-6789');
  });

  it('validates its parts', () => {
    expect(() => sgtinEpcJoinKey('80614141123450', '6789')).toThrow(InvalidIdentifierError);
    expect(() => sgtinEpcJoinKey('80614141123458', '')).toThrow(InvalidIdentifierError);
  });
});
