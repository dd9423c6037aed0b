import { ID_RULE, isRowError, mapRow, productKeys, RowContext } from './code-row';

const products = productKeys([
  { id: '/01/09506000134352', gtin: '09506000134352', custom_id: 'sku1' },
  { id: '/01/09506000134369', gtin: '09506000134369', custom_id: null },
]);

function context(over: Partial<RowContext> = {}): RowContext {
  return { defaults: {}, urlPrefix: null, host: 'id.brand.test', products, ...over };
}

describe('the id rule', () => {
  it.each(['aB1_3dZ97-x2', '123abcd89XYZ', 'abcdefgh', '________'])('takes %s', (id) => {
    expect(ID_RULE.test(id)).toBe(true);
  });

  it.each(['abc1234', 'abc 12345', 'abc12345!', 'abcé12345', ''])('refuses "%s"', (id) => {
    expect(ID_RULE.test(id)).toBe(false);
  });
});

describe('mapRow', () => {
  it('makes a code: product by custom id, SCM columns as JSON, link on the host', () => {
    const code = mapRow(
      { id: 'abc12345', product: 'sku1', pallet_number: 'pal1', intended_market: 'BE' },
      1,
      context(),
    );
    expect(code).toEqual({
      line: 1,
      code: 'abc12345',
      product: '/01/09506000134352',
      digital_link: 'https://id.brand.test/abc12345',
      activation_status: 1,
      blacklist_reason: null,
      scm_data: { pallet_number: 'pal1', intended_market: 'BE' },
    });
  });

  it('names a product by GTIN or by its /01/ id, and links with the url prefix', () => {
    const byGtin = mapRow(
      { id: 'abc12345', product: '09506000134369' },
      1,
      context({ urlPrefix: 'https://x.test/c/' }),
    );
    expect(byGtin).toMatchObject({
      product: '/01/09506000134369',
      digital_link: 'https://x.test/c/abc12345',
    });
    expect(mapRow({ id: 'abc12345', product: '/01/09506000134352' }, 1, context())).toMatchObject({
      product: '/01/09506000134352',
    });
  });

  it('takes defaults for what a row leaves out or empty; the row wins', () => {
    const ctx = context({
      defaults: { product: 'sku1', activation_status: 0, updated_by: 'warehouse_1', lot: 'L1' },
    });
    expect(mapRow({ id: 'abc12345', lot: '' }, 3, ctx)).toMatchObject({
      product: '/01/09506000134352',
      activation_status: 0,
      scm_data: { updated_by: 'warehouse_1', lot: 'L1' },
    });
    expect(
      mapRow(
        { id: 'abc12345', activation_status: '2', blacklist_reason: 'stolen', lot: 'L2' },
        3,
        ctx,
      ),
    ).toMatchObject({
      activation_status: 2,
      blacklist_reason: 'stolen',
      scm_data: { updated_by: 'warehouse_1', lot: 'L2' },
    });
  });

  it('has no SCM data when there is none', () => {
    expect(mapRow({ id: 'abc12345' }, 1, context())).toMatchObject({
      scm_data: null,
      product: null,
    });
  });

  it('says what is wrong with a row, by kind', () => {
    const kind = (row: Record<string, unknown>) => {
      const mapped = mapRow(row, 7, context());
      return isRowError(mapped) ? mapped : null;
    };
    expect(kind({ id: 'short' })).toEqual({ kind: 'invalid_id_error', id: 'short' });
    expect(kind({ id: 'x'.repeat(65) })?.kind).toBe('invalid_id_error');
    expect(kind({ pallet: 'p' })).toEqual({ kind: 'invalid_id_error', id: 'line 7' });
    expect(kind({ id: 'abc12345', product: 'nope' })).toEqual({
      kind: 'unknown_product_error',
      id: 'abc12345',
    });
    expect(kind({ id: 'abc12345', activation_status: '3' })?.kind).toBe(
      'invalid_activation_status_error',
    );
    expect(kind({ id: 'abc12345', blacklist_reason: 'r'.repeat(501) })?.kind).toBe(
      'invalid_blacklist_reason_error',
    );
  });

  it('takes JSON numbers as ids and activation statuses', () => {
    expect(mapRow({ id: 12345678, activation_status: 0 }, 1, context())).toMatchObject({
      code: '12345678',
      activation_status: 0,
    });
  });
});
