import { AggregatorRegistry } from 'prom-client';
import { codesClaimed, metricsRegistry, poolUnassigned, queueJobs } from './metrics';

/**
 * What a scrape of the gateway in cluster mode reports, given each worker's metrics: the primary
 * aggregates the JSON every worker sends (prom-client's AggregatorRegistry.aggregate).
 */
describe('cluster aggregation of the platform metrics', () => {
  afterEach(() => metricsRegistry.resetMetrics());

  /** One worker's metrics as it would send them to the primary. */
  async function worker(record: () => void) {
    metricsRegistry.resetMetrics();
    record();
    return metricsRegistry.getMetricsAsJSON();
  }

  it('sums counters, and does not multiply a queue depth or a pool by the number of workers', async () => {
    const first = await worker(() => {
      codesClaimed.inc({ code_type: 'sgtin' }, 5);
      queueJobs.set({ queue: 'code-export', state: 'waiting' }, 7);
      poolUnassigned.set({ account: 'a', product: 'p', code_type: 'sgtin' }, 100);
    });
    const second = await worker(() => {
      codesClaimed.inc({ code_type: 'sgtin' }, 3);
      queueJobs.set({ queue: 'code-export', state: 'waiting' }, 7);
    });
    const text = await AggregatorRegistry.aggregate([first, second]).metrics();
    expect(text).toMatch(/^sid_codes_claimed_total\{code_type="sgtin"\} 8$/m);
    expect(text).toMatch(/^sid_queue_jobs\{queue="code-export",state="waiting"\} 7$/m);
    expect(text).toMatch(
      /^sid_pool_unassigned_codes\{account="a",product="p",code_type="sgtin"\} 100$/m,
    );
  });
});
