import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobQueue, NUDGE_TIMEOUT_MS } from './job-queue.service';
import { JobName } from './queue-names';

/** A JobQueue whose every queue answers `add` as given. */
function jobQueue(answer: () => Promise<unknown>): { queues: JobQueue; add: jest.Mock } {
  const add = jest.fn(answer);
  const queue = { add } as unknown as Queue;
  return { queues: new JobQueue(queue, queue, queue, queue, queue, queue, queue), add };
}

describe('JobQueue.nudge', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('enqueues with the predictable job id', async () => {
    const { queues, add } = jobQueue(async () => undefined);

    await queues.nudge(JobName.ClaimCodes, { reservationId: 'r1' });

    expect(add).toHaveBeenCalledWith(
      JobName.ClaimCodes,
      { reservationId: 'r1' },
      { jobId: 'claim-codes.r1' },
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not hold a request up when Redis does not answer: the sweep will find the row', async () => {
    jest.useFakeTimers();
    const { queues } = jobQueue(() => new Promise(() => undefined));

    const nudged = queues.nudge(JobName.ExportReservation, { reservationId: 'r2' });
    await jest.advanceTimersByTimeAsync(NUDGE_TIMEOUT_MS);

    await expect(nudged).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/r2.*Redis did not answer/));
  });

  it('does not fail a request when Redis refuses the job', async () => {
    const { queues } = jobQueue(async () => {
      throw new Error('connection is closed');
    });

    await expect(
      queues.nudge(JobName.GenerateIdentifiers, { identifierJobId: 'j1' }),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/j1.*connection is closed/));
  });
});
