import { DataSource } from 'typeorm';
import { IdentifierJobRepository, LatestJob, CodeSettings } from '@sid/codes';
import { AppConfig } from '@sid/shared/config';
import { EventOutboxRepository } from '@sid/shared/events';
import { JobName, JobQueue } from '@sid/shared/queue';
import { CodeLifecycleRepository } from './code-lifecycle.repository';
import { ReservationClaimService } from './reservation-claim.service';
import { LockedReservation, ReservationRepository } from './reservation.repository';

/**
 * The claim's decisions over mocked repositories: how much it claims per batch, when it is done,
 * when it asks the generator (and with what), when it waits, and when it gives up. The SQL itself
 * is covered by reservation-claim.int-spec.ts against PostgreSQL.
 */

const ID = '00000000-0000-4000-8000-000000000001';

interface World {
  reservation: LockedReservation | undefined;
  /** Free codes in the pool the claim can take. */
  pool: number;
  latestJob?: LatestJob;
  settings?: CodeSettings;
}

function setup(world: World, batchSize = 100) {
  const client = { query: jest.fn(async (_sql: string) => ({ rows: [] })) };
  const db = {
    createQueryRunner: () => ({ connect: async () => client, release: async () => undefined }),
  } as unknown as DataSource;
  const reservations = {
    lock: jest.fn(async () => (world.reservation ? { ...world.reservation } : undefined)),
    addReserved: jest.fn(async (_c: unknown, _id: string, count: number) => {
      const r = world.reservation as LockedReservation;
      r.quantity_reserved += count;
      r.status = 'in_progress';
      return { quantity_reserved: r.quantity_reserved, full: r.quantity_reserved === r.quantity };
    }),
    markInProgress: jest.fn(async () => undefined),
    setFinalStatus: jest.fn(
      async (_c: unknown, _id: string, _status: string, _message: string, _user: null) => undefined,
    ),
  };
  const codes = {
    claim: jest.fn(async (_c: unknown, _r: unknown, count: number) => {
      const taken = Math.min(count, world.pool);
      world.pool -= taken;
      return taken;
    }),
    releaseReserved: jest.fn(async () => 0),
    afterCodesMoved: jest.fn(async (_count: number) => undefined),
  };
  const jobs = {
    latestForReservation: jest.fn(async () => world.latestJob),
    settingsLike: jest.fn(async () => world.settings),
    insertForReservation: jest.fn(async () => 'job-1'),
  };
  const outbox = { record: jest.fn(async (_tx: unknown, _event: unknown) => undefined) };
  const queue = { add: jest.fn(async () => undefined) };
  const config = { RESERVATION_BATCH_SIZE: batchSize } as AppConfig;
  const service = new ReservationClaimService(
    db,
    reservations as unknown as ReservationRepository,
    codes as unknown as CodeLifecycleRepository,
    jobs as unknown as IdentifierJobRepository,
    outbox as unknown as EventOutboxRepository,
    queue as unknown as JobQueue,
    config,
  );
  return { service, client, reservations, codes, jobs, outbox, queue };
}

function reservation(overrides: Partial<LockedReservation> = {}): LockedReservation {
  return {
    id: ID,
    account: 'acc-1',
    status: 'new',
    quantity: 100,
    quantity_reserved: 0,
    product: '/01/09506000134352',
    code_type: 'sgtin',
    export_file: null,
    ...overrides,
  };
}

describe('ReservationClaimService (claim decisions)', () => {
  it('claims a reservation the pool can fill in one batch, then enqueues its export', async () => {
    const { service, codes, reservations, queue, jobs, outbox, client } = setup({
      reservation: reservation({ quantity: 40 }),
      pool: 1000,
    });
    await expect(service.run(ID)).resolves.toBe('reserved');
    expect(codes.claim).toHaveBeenCalledTimes(1);
    expect(codes.claim.mock.calls[0][2]).toBe(40);
    expect(reservations.addReserved).toHaveBeenCalledWith(client, ID, 40);
    expect(queue.add).toHaveBeenCalledWith(JobName.ExportReservation, { reservationId: ID });
    expect(jobs.insertForReservation).not.toHaveBeenCalled();
    expect(client.query).toHaveBeenCalledWith('COMMIT');
    // code_reservation.completed is the export's to record, once the file exists.
    expect(outbox.record).not.toHaveBeenCalled();
  });

  it('claims batch by batch, one transaction each, never more than the batch size', async () => {
    const { service, codes, client } = setup(
      { reservation: reservation({ quantity: 250 }), pool: 1000 },
      100,
    );
    await expect(service.run(ID)).resolves.toBe('reserved');
    expect(codes.claim.mock.calls.map((call) => call[2])).toEqual([100, 100, 50]);
    expect(client.query.mock.calls.filter(([sql]) => sql === 'BEGIN')).toHaveLength(3);
    // The planner hears of the move once per claim, with every batch counted, not per batch.
    expect(codes.afterCodesMoved.mock.calls).toEqual([[250]]);
    expect(client.query.mock.invocationCallOrder.at(-1)).toBeLessThan(
      codes.afterCodesMoved.mock.invocationCallOrder[0],
    );
  });

  it('asks the generator for exactly the missing codes when the pool runs dry', async () => {
    const { service, jobs, queue, reservations } = setup({
      reservation: reservation({ quantity: 100 }),
      pool: 30,
    });
    await expect(service.run(ID)).resolves.toBe('waiting');
    expect(reservations.addReserved.mock.calls[0][2]).toBe(30);
    expect(jobs.insertForReservation).toHaveBeenCalledWith(expect.anything(), {
      account: 'acc-1',
      quantity: 70,
      type: 'sgtin',
      product: '/01/09506000134352',
      reservation: ID,
      like: undefined,
    });
    expect(queue.add).toHaveBeenCalledWith(JobName.GenerateIdentifiers, {
      identifierJobId: 'job-1',
    });
    expect(queue.add).not.toHaveBeenCalledWith(JobName.ExportReservation, expect.anything());
  });

  it('marks an empty-handed reservation in progress and makes its codes like the pool’s', async () => {
    const settings: CodeSettings = {
      length: 12,
      character_set: 'numeric',
      domain: null,
      sscc_company_prefix: null,
      sscc_extension_digit: null,
      epc_mode: false,
      user_created: null,
    };
    const { service, jobs, reservations } = setup({
      reservation: reservation(),
      pool: 0,
      settings,
    });
    await expect(service.run(ID)).resolves.toBe('waiting');
    expect(reservations.markInProgress).toHaveBeenCalledWith(expect.anything(), ID);
    expect(reservations.addReserved).not.toHaveBeenCalled();
    expect(jobs.insertForReservation).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ quantity: 100, like: settings }),
    );
  });

  it('waits without a second job while one is generating', async () => {
    for (const status of ['new', 'in_progress']) {
      const { service, jobs, queue } = setup({
        reservation: reservation({ status: 'in_progress' }),
        pool: 0,
        latestJob: { id: 'job-0', status, error_message: null },
      });
      await expect(service.run(ID)).resolves.toBe('waiting');
      expect(jobs.insertForReservation).not.toHaveBeenCalled();
      expect(queue.add).not.toHaveBeenCalled();
    }
  });

  it('fails, giving its codes back, when the job that was to make its codes failed', async () => {
    const { service, codes, reservations, jobs, outbox, client } = setup({
      reservation: reservation({ status: 'in_progress', quantity_reserved: 10 }),
      pool: 0,
      latestJob: { id: 'job-0', status: 'error', error_message: 'space exhausted' },
    });
    await expect(service.run(ID)).resolves.toBe('failed');
    // The event is recorded on the claim's own transaction (outbox), with the failure's reason.
    expect(outbox.record).toHaveBeenCalledTimes(1);
    expect(outbox.record).toHaveBeenCalledWith(client, {
      event: 'code_reservation.failed',
      account: 'acc-1',
      subject: ID,
      data: {
        id: ID,
        product: '/01/09506000134352',
        code_type: 'sgtin',
        quantity: 100,
        error_message:
          'Not enough unassigned codes, and generating the missing 90 failed: space exhausted',
      },
    });
    expect(codes.releaseReserved).toHaveBeenCalledWith(expect.anything(), ID);
    expect(reservations.setFinalStatus).toHaveBeenCalledWith(
      expect.anything(),
      ID,
      'error',
      'Not enough unassigned codes, and generating the missing 90 failed: space exhausted',
      null,
    );
    expect(jobs.insertForReservation).not.toHaveBeenCalled();
  });

  it('fails an SSCC reservation that no pool or earlier job gives a company prefix', async () => {
    const { service, jobs, reservations } = setup({
      reservation: reservation({ code_type: 'sscc', product: null, quantity: 5 }),
      pool: 0,
    });
    await expect(service.run(ID)).resolves.toBe('failed');
    expect(jobs.insertForReservation).not.toHaveBeenCalled();
    expect(reservations.setFinalStatus.mock.calls[0][3]).toMatch(/company prefix/);
  });

  it('skips a reservation that is gone, finished, or already exported', async () => {
    for (const r of [
      undefined,
      reservation({ status: 'complete' }),
      reservation({ status: 'cancelled' }),
      reservation({ status: 'in_progress', quantity_reserved: 100, export_file: 'f-1' }),
    ]) {
      const { service, codes, queue } = setup({ reservation: r, pool: 1000 });
      await expect(service.run(ID)).resolves.toBe('skipped');
      expect(codes.claim).not.toHaveBeenCalled();
      expect(queue.add).not.toHaveBeenCalled();
    }
  });

  it('re-enqueues the export of a full reservation without a file (a retried claim)', async () => {
    const { service, codes, queue } = setup({
      reservation: reservation({ status: 'in_progress', quantity_reserved: 100 }),
      pool: 1000,
    });
    await expect(service.run(ID)).resolves.toBe('reserved');
    expect(codes.claim).not.toHaveBeenCalled();
    expect(queue.add).toHaveBeenCalledWith(JobName.ExportReservation, { reservationId: ID });
  });

  it('fail() gives back only what a reservation still being filled holds', async () => {
    const short = setup({ reservation: reservation({ quantity_reserved: 20 }), pool: 0 });
    await short.service.fail(ID, 'x'.repeat(3000));
    expect(short.codes.releaseReserved).toHaveBeenCalledTimes(1);
    expect(short.reservations.setFinalStatus.mock.calls[0][3]).toHaveLength(2000);
    expect(short.outbox.record).toHaveBeenCalledWith(
      short.client,
      expect.objectContaining({ event: 'code_reservation.failed', subject: ID }),
    );

    for (const r of [
      reservation({ quantity_reserved: 100 }),
      reservation({ status: 'complete' }),
      reservation({ export_file: 'f-1' }),
    ]) {
      const done = setup({ reservation: r, pool: 0 });
      await done.service.fail(ID, 'late failure');
      expect(done.codes.releaseReserved).not.toHaveBeenCalled();
      expect(done.reservations.setFinalStatus).not.toHaveBeenCalled();
      expect(done.outbox.record).not.toHaveBeenCalled();
    }
  });
});
