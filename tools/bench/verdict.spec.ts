import { benchScripts } from './run-all';
import { judge, parseVerdict } from './verdict';

describe('bench verdict', () => {
  it('is met only when every goal is', () => {
    const verdict = judge(
      'export',
      { csv_seconds: 2.5, rss_mb: 100 },
      { csv: 1.25 },
      {
        csv: { of: 'csv', is: '<=', limit: 1.3 },
        rss: { of: 'rss_mb', is: '<=', limit: 256 },
      },
    );
    expect(verdict.met).toBe(true);
    expect(verdict.goals.csv).toMatchObject({ value: 1.25, met: true });

    const missed = judge(
      'read',
      { list_rps: 2000 },
      {},
      {
        list: { of: 'list_rps', is: '>=', limit: 2400 },
      },
    );
    expect(missed.met).toBe(false);
    expect(missed.goals.list.met).toBe(false);
  });

  it('does not count a goal whose figure is missing or not a number as met', () => {
    const verdict = judge(
      'x',
      { a: NaN },
      {},
      {
        a: { of: 'a', is: '<=', limit: 1 },
        b: { of: 'b', is: '>=', limit: 0 },
      },
    );
    expect(verdict.goals.a).toMatchObject({ value: null, met: false });
    expect(verdict.goals.b).toMatchObject({ value: null, met: false });
    expect(verdict.met).toBe(false);
  });

  it('keeps counts exact and rounds measurements to four digits', () => {
    const verdict = judge('x', { bytes: 123456789, seconds: 1.234567 }, { r: 0.333333 }, {});
    expect(verdict.figures).toEqual({ bytes: 123456789, seconds: 1.235 });
    expect(verdict.ratios).toEqual({ r: 0.3333 });
  });

  it('is read back from the last line of a bench output only', () => {
    const verdict = judge('export', { a: 1 }, {}, { a: { of: 'a', is: '<=', limit: 2 } });
    const line = JSON.stringify(verdict);
    expect(parseVerdict(`some log\n${line}\n`)).toEqual(verdict);
    expect(parseVerdict(`${line}\nmore log\n`)).toBeUndefined();
    expect(parseVerdict('{"bench": broken\n')).toBeUndefined();
    expect(parseVerdict('')).toBeUndefined();
  });

  it('finds every bench:* script of package.json, or the ones asked for', () => {
    const all = benchScripts([]);
    expect(all).toEqual(expect.arrayContaining(['bench:export', 'bench:read']));
    expect(all.every((name) => name.startsWith('bench:'))).toBe(true);
    expect(all).not.toContain('bench');
    expect(benchScripts(['export', 'bench:read'])).toEqual(['bench:export', 'bench:read']);
  });
});
