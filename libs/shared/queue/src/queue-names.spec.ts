import { jobId, JobName } from './queue-names';

describe('jobId', () => {
  it('is the same for the same work, so a duplicate enqueue is a no-op', () => {
    const a = jobId(JobName.ClaimCodes, { reservationId: 'r1' });
    expect(a).toBe(jobId(JobName.ClaimCodes, { reservationId: 'r1' }));
    expect(a).not.toBe(jobId(JobName.ClaimCodes, { reservationId: 'r2' }));
    expect(a).not.toBe(jobId(JobName.ExportReservation, { reservationId: 'r1' }));
  });

  it('differs for a deliberate re-run, and never contains a colon (BullMQ refuses those)', () => {
    const rerun = jobId(JobName.ClaimCodes, { reservationId: 'r1' }, 'after-job-j1');
    expect(rerun).not.toBe(jobId(JobName.ClaimCodes, { reservationId: 'r1' }));
    expect(rerun).not.toContain(':');
  });
});
