import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '@sid/shared/config';
import { QueueName } from './queue-names';
import { isStalledFailure, QueueWorkerFactory } from './queue-worker.factory';

/**
 * Which failures end a job's row: a job that failed for good calls its `onFailed` (the row says
 * why); a job that stalled too often (its workers died under it) does not, so that the recovery
 * sweep runs it again instead of a crash failing a good upload or job.
 */
describe('QueueWorkerFactory failures', () => {
  const config = Object.assign(new AppConfig(), {
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: 'unit-queue-worker-factory',
  });
  const job = (attemptsMade: number) =>
    ({
      id: 'j1',
      name: 'ingest-codes',
      data: { ingestionRecordId: '7' },
      attemptsMade,
      opts: { attempts: 3 },
    }) as unknown as Job;

  let factory: QueueWorkerFactory;
  beforeEach(() => (factory = new QueueWorkerFactory(config)));
  afterEach(() => factory.onApplicationShutdown());

  function failed(error: Error, attemptsMade: number): jest.Mock {
    const onFailed = jest.fn().mockResolvedValue(undefined);
    const worker = factory.register(QueueName.CodeIngestion, { handlers: {}, onFailed });
    worker.emit('failed', job(attemptsMade), error, 'active');
    return onFailed;
  }

  it('recognises BullMQ’s stalled failure', () => {
    expect(isStalledFailure(new UnrecoverableError('job stalled more than allowable limit'))).toBe(
      true,
    );
    expect(isStalledFailure(new Error('The file has errors.'))).toBe(false);
  });

  it('leaves a job that stalled too often to the recovery sweep', () => {
    const onFailed = failed(new UnrecoverableError('job stalled more than allowable limit'), 0);
    expect(onFailed).not.toHaveBeenCalled();
  });

  it('ends the row of a job that failed for good, and not of one that will be retried', () => {
    expect(failed(new UnrecoverableError('bad file'), 0)).toHaveBeenCalledWith(
      { ingestionRecordId: '7' },
      expect.objectContaining({ message: 'bad file' }),
      'ingest-codes',
    );
    expect(failed(new Error('connection reset'), 3)).toHaveBeenCalledTimes(1);
    expect(failed(new Error('connection reset'), 1)).not.toHaveBeenCalled();
  });
});
