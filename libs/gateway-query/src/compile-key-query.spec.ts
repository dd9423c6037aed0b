import { compileKeyQuery } from './compile-item-query';
import { parseFilter } from './parse-filter';
import { QueryScope } from '@sid/shared/items';
import { testRegistry } from './testing/test-collections';

const registry = testRegistry();
const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const tenant: QueryScope = { accountId: ACCOUNT, userId: null };

describe('compileKeyQuery (the items a batch update touches)', () => {
  it('selects only primary keys, confined to the caller’s account, with the filter as a read has it', () => {
    const filter = parseFilter({ status: { _eq: 'reserved' } }, 'query.filter');
    const { sql, params } = compileKeyQuery(
      registry,
      'unique_code',
      { filter, search: null },
      tenant,
    );
    expect(sql).toBe(
      `SELECT t0."id" AS key FROM "unique_code" AS t0 WHERE t0."account" = $1::uuid AND t0."status" = $2::text`,
    );
    expect(params).toEqual([ACCOUNT, 'reserved']);
  });

  it('has no tenant condition for an admin, and no WHERE at all without filter or search', () => {
    const { sql, params } = compileKeyQuery(
      registry,
      'unique_code',
      { filter: null, search: null },
      { accountId: null, userId: null },
    );
    expect(sql).toBe(`SELECT t0."id" AS key FROM "unique_code" AS t0`);
    expect(params).toEqual([]);
  });

  it('follows relations in the filter like a read (a code’s reservation by its reference)', () => {
    const filter = parseFilter({ reservation: { reference_id: { _eq: 'PO-1' } } }, 'query.filter');
    const { sql, params } = compileKeyQuery(
      registry,
      'unique_code',
      { filter, search: null },
      tenant,
    );
    expect(sql).toMatch(
      /^SELECT t0\."id" AS key FROM "unique_code" AS t0 WHERE t0\."account" = \$1::uuid AND EXISTS/,
    );
    expect(sql).toContain('"code_reservation"');
    expect(params).toContain('PO-1');
  });
});
