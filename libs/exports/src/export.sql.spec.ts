import { exportRowsCopy } from './export.sql';
import { EXPORT_TYPES } from './formats';

const RESERVATION = '03343178-982f-4b83-8dcb-916595070e51';

describe('exportRowsCopy', () => {
  const copy = (type: (typeof EXPORT_TYPES)[number], url_suffix: string | null) =>
    exportRowsCopy(type, { reservation: RESERVATION, url_suffix, reference_id: null });

  it.each(EXPORT_TYPES)('%s: rows plain_text calls plain skip the format’s test', (type) => {
    expect(copy(type, null)).toContain('CASE WHEN NOT c.plain_text AND (');
    expect(copy(type, '?src=label')).toContain('CASE WHEN NOT c.plain_text AND (');
  });

  it.each(EXPORT_TYPES)(
    '%s: a url_suffix that is not plain itself sends every row to the format’s test',
    (type) => {
      for (const suffix of ['?a=1&b=2', '?q="x"', '=1', '-x', 'tab\there', "it's", 'a,b']) {
        expect(copy(type, suffix)).not.toContain('plain_text');
      }
    },
  );

  it('refuses a reservation id that is not a UUID (it is inlined in the statement)', () => {
    expect(() =>
      exportRowsCopy('csv', {
        reservation: "x'; DROP TABLE file; --",
        url_suffix: null,
        reference_id: null,
      }),
    ).toThrow(TypeError);
  });
});
