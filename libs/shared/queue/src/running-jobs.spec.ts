import { Job } from 'bullmq';
import { jobDuration, jobExpected, jobRunning, metricsRegistry } from '@sid/shared/observability';
import { expectedSeconds, JOB_EXPECTED_FLOOR_SECONDS, RunningJobs } from './running-jobs';

const job = (name: string, progress: unknown = 0) => ({ name, progress }) as unknown as Job;

async function value(
  metric: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: object,
) {
  const { values } = await metric.get();
  return values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
}

describe('RunningJobs', () => {
  beforeEach(() => metricsRegistry.resetMetrics());

  it('predicts a duration from the size a job reports as its progress', () => {
    expect(expectedSeconds(job('x'))).toBe(JOB_EXPECTED_FLOOR_SECONDS);
    expect(expectedSeconds(job('x', { quantity: 1_000_000, created: 0 }))).toBe(
      JOB_EXPECTED_FLOOR_SECONDS + 1_000,
    );
  });

  it('publishes the longest running job per queue and name, and forgets finished ones', async () => {
    const running = new RunningJobs();
    const now = Date.now();
    running.start('q', job('a'));
    const done = running.start('q', job('a', { quantity: 2_000_000 }));
    running.publish(now + 60_000);
    expect(await value(jobRunning, { queue: 'q', name: 'a' })).toBeCloseTo(60, 0);
    done('completed');
    running.publish(now + 60_000);
    expect(await value(jobExpected, { queue: 'q', name: 'a' })).toBe(JOB_EXPECTED_FLOOR_SECONDS);
    const { values } = await jobDuration.get();
    expect(
      values.find(
        (v) =>
          v.metricName === 'sid_job_duration_seconds_count' &&
          v.labels.outcome === 'completed' &&
          v.labels.name === 'a',
      )?.value,
    ).toBe(1);
  });
});
