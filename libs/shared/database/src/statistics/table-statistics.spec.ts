import { statisticsAreStale } from './table-statistics';

describe('statisticsAreStale', () => {
  it('refreshes a never-analysed table after any write', () => {
    expect(statisticsAreStale(1, -1)).toBe(true);
    expect(statisticsAreStale(0, -1)).toBe(false);
  });

  it('uses autovacuum’s threshold: 50 rows plus a tenth of the table', () => {
    expect(statisticsAreStale(149, 1_000)).toBe(false);
    expect(statisticsAreStale(150, 1_000)).toBe(true);
    expect(statisticsAreStale(100_000, 10_000_000)).toBe(false);
    expect(statisticsAreStale(1_000_000, 0)).toBe(true);
  });
});
