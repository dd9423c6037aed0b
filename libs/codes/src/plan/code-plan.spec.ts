import {
  CODE_BATCH_SIZE,
  CodePlan,
  planProblem,
  randomBatches,
  randomCodeSource,
  ssccBatches,
} from './code-plan';

const GTIN = '09506000134352';

function plan(overrides: Partial<CodePlan> = {}): CodePlan {
  return {
    type: 'sgtin',
    length: 8,
    characterSet: 'alphanumeric',
    gtin: GTIN,
    host: 'id.brand.test',
    ssccCompanyPrefix: null,
    ssccExtensionDigit: null,
    epcMode: false,
    companyPrefix: null,
    ...overrides,
  };
}

describe('randomCodeSource', () => {
  it('builds each link from the checked host and GTIN and the serial as is', () => {
    const [sgtin] = randomCodeSource(plan({ host: 'Links.Brand.test:8443' }))(1);
    expect(sgtin.digital_link).toBe(`https://links.brand.test:8443/01/${GTIN}/21/${sgtin.code}`);
    expect(sgtin.epc_join_key).toBe(`${GTIN}-${sgtin.code}`);

    const [grai] = randomCodeSource(plan({ type: 'grai', length: 6 }))(1);
    expect(grai.code).toMatch(/^0950600013435[0-9][0-9A-Za-z]{6}$/);
    expect(grai.digital_link).toBe(`https://id.brand.test/8003/${grai.code}`);

    const [short] = randomCodeSource(plan({ type: 'short_code', gtin: null }))(1);
    expect(short.digital_link).toBe(`https://id.brand.test/${short.code}`);
    expect(short.epc_join_key).toBeNull();
  });

  it('refuses a bad host or GTIN before making any code', () => {
    expect(() => randomCodeSource(plan({ host: 'https://id.brand.test/' }))).toThrow(/host/);
    expect(() => randomCodeSource(plan({ gtin: '09506000134353' }))).toThrow();
  });

  it('makes SGTIN-96 serials with EPC URI and hex in EPC mode', () => {
    const codes = randomCodeSource(
      plan({ epcMode: true, characterSet: 'numeric', length: 9, companyPrefix: '9506000' }),
    )(50);
    for (const c of codes) {
      expect(c.code).toMatch(/^[1-9]\d{8}$/);
      expect(c.epc_uri).toBe(`urn:epc:id:sgtin:9506000.013435.${c.code}`);
      expect(c.epc_hex).toMatch(/^3036[0-9A-F]{20}$/); // header 30, filter 1, partition 5
      expect(BigInt(`0x${c.epc_hex}`) & (2n ** 38n - 1n)).toBe(BigInt(c.code));
    }
  });
});

describe('batches', () => {
  it('split a chunk into batches of at most CODE_BATCH_SIZE, made anew at each call', () => {
    const batches = randomBatches(randomCodeSource(plan()), CODE_BATCH_SIZE * 2 + 7);
    const first = [...batches()];
    expect(first.map((b) => b.length)).toEqual([CODE_BATCH_SIZE, CODE_BATCH_SIZE, 7]);
    const again = [...batches()];
    expect(again[0][0].code).not.toBe(first[0][0].code);
  });

  it('give the same SSCCs of a claimed range at each call', () => {
    const sscc = plan({
      type: 'sscc',
      gtin: null,
      ssccCompanyPrefix: '9506000',
      ssccExtensionDigit: 3,
    });
    const batches = ssccBatches(sscc, 42n, CODE_BATCH_SIZE + 1);
    const codes = [...batches()].flat().map((c) => c.code);
    expect(codes).toHaveLength(CODE_BATCH_SIZE + 1);
    expect(codes[0]).toBe('395060000000000429');
    expect(codes.at(-1)!.slice(8, 17)).toBe(String(42 + CODE_BATCH_SIZE).padStart(9, '0'));
    expect([...batches()].flat().map((c) => c.code)).toEqual(codes);
  });
});

describe('planProblem in EPC mode', () => {
  const epc = (overrides: Partial<CodePlan> = {}) =>
    plan({ epcMode: true, characterSet: 'numeric', companyPrefix: '9506000', ...overrides });

  it('accepts an SGTIN-96 job of the brand owner', () => {
    expect(planProblem(epc({ length: 12 }), 1_000_000, 0)).toBeNull();
  });

  it('says what an SGTIN-96 cannot carry', () => {
    expect(planProblem(epc({ type: 'grai' }), 10, 0)).toMatch(/only for sgtin jobs/);
    expect(planProblem(epc({ characterSet: 'hex' }), 10, 0)).toMatch(/must be numeric/);
    expect(planProblem(epc({ length: 13 }), 10, 0)).toMatch(/between 6 and 12 in epc_mode/);
    expect(planProblem(epc({ companyPrefix: null }), 10, 0)).toMatch(/brand_owner/);
    expect(planProblem(epc({ companyPrefix: '9506001' }), 10, 0)).toMatch(
      /cannot encode GTIN 09506000134352 with the brand owner's gs1_company_prefix 9506001/,
    );
    expect(planProblem(epc({ companyPrefix: '95060' }), 10, 0)).toMatch(/6 to 12 digit/);
  });

  it('suggests a length that fits, up to 12 digits', () => {
    expect(planProblem(epc({ length: 6 }), 10_000, 0)).toMatch(/use length 8 or more$/);
    // 10^11 twelve-digit serials (counted cautiously) hold at most 10^8 codes.
    expect(planProblem(epc({ length: 12 }), 1_000_000, 99_500_000)).toMatch(
      /at most 12 digits, so split the job or leave epc_mode off$/,
    );
  });
});
