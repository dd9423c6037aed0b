import { ClaimRateWindow, secondsToExhaustion } from './pool-claim-rate';

describe('ClaimRateWindow', () => {
  it('is 0 until two samples exist', () => {
    const window = new ClaimRateWindow(60_000);
    expect(window.rate('a')).toBe(0);
    window.record('a', 100, 0);
    expect(window.rate('a')).toBe(0);
  });

  it('divides the growth by the time between the oldest and latest sample', () => {
    const window = new ClaimRateWindow(60_000);
    window.record('a', 100, 0);
    window.record('a', 400, 10_000);
    window.record('a', 700, 20_000);
    expect(window.rate('a')).toBe(30);
  });

  it('forgets samples older than the window but keeps one at its edge', () => {
    const window = new ClaimRateWindow(60_000);
    window.record('a', 0, 0);
    window.record('a', 6_000, 30_000);
    window.record('a', 6_000, 61_000);
    window.record('a', 6_000, 100_000);
    // 0 → 6,000 happened before 40,000; only samples from 30,000 on are within reach.
    expect(window.rate('a')).toBe(0);
  });

  it('restarts after a total that went down', () => {
    const window = new ClaimRateWindow(60_000);
    window.record('a', 500, 0);
    window.record('a', 100, 10_000);
    window.record('a', 300, 20_000);
    expect(window.rate('a')).toBe(20);
  });

  it('keeps pools apart and drops the ones not retained', () => {
    const window = new ClaimRateWindow(60_000);
    window.record('a', 0, 0);
    window.record('a', 10, 1_000);
    window.record('b', 0, 0);
    window.record('b', 50, 1_000);
    window.retain(new Set(['b']));
    expect(window.rate('a')).toBe(0);
    expect(window.rate('b')).toBe(50);
  });
});

describe('secondsToExhaustion', () => {
  it('is unassigned / rate, Infinity without claims', () => {
    expect(secondsToExhaustion(1_000, 10)).toBe(100);
    expect(secondsToExhaustion(1_000, 0)).toBe(Infinity);
    expect(secondsToExhaustion(-5, 10)).toBe(0);
  });
});
