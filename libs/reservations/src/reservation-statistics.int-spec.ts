import { DataSource } from 'typeorm';
import { Actor } from '@sid/shared/items';
// The selection a batch update gets is compiled by the gateway's query language, as in production.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { compileKeyQuery } from '@sid/gateway-query';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';
import { UniqueCodeWriter } from './unique-code.writer';
import {
  insertReservation,
  REGISTRY,
  ReservationSuite,
  seedCodes,
  startReservationSuite,
} from './testing/reservation-test.factory';

/**
 * A large claim and a large cancel move many codes between statuses: the planner learns it at
 * once (autovacuum is off on CI, and late in production), so that a lookup by status that follows
 * is planned on what the table now holds.
 */
describe('statistics after a large claim or cancel', () => {
  let suite: ReservationSuite;
  let db: DataSource;
  let actor: Actor;

  beforeAll(async () => {
    suite = await startReservationSuite('reservation_statistics');
    ({ db, actor } = suite);
  });
  afterAll(() => suite?.close());

  /** The share of unique_code's rows the planner believes have each status. */
  const plannedStatuses = async (): Promise<Record<string, number>> => {
    const [row] = await db.query(
      `SELECT most_common_vals::text::text[] AS vals, most_common_freqs AS freqs
       FROM pg_stats WHERE tablename = 'unique_code' AND attname = 'status'`,
    );
    if (!row) return {};
    return Object.fromEntries(
      (row.vals as string[]).map((value, i) => [value, Math.round(row.freqs[i] * 100) / 100]),
    );
  };

  it('analyses after claiming, and again after cancelling, a large share of the codes', async () => {
    await seedCodes(db, actor.accountId, 3_000);
    await db.query(`ANALYZE unique_code`);
    expect(await plannedStatuses()).toEqual({ unassigned: 1 });

    const reservation = await insertReservation(db, actor, 2_000);
    expect(await suite.moduleRef.get(ReservationClaimService).run(reservation)).toBe('reserved');
    expect(await plannedStatuses()).toEqual({ reserved: 0.67, unassigned: 0.33 });

    await suite.moduleRef
      .get(CodeReservationWriter)
      .update(actor, reservation, { status: 'cancelled' });
    expect(await plannedStatuses()).toEqual({ unassigned: 1 });
  });

  it('analyses after a batch PATCH that moves a large share of the codes', async () => {
    const reservation = await insertReservation(db, actor, 2_000);
    expect(await suite.moduleRef.get(ReservationClaimService).run(reservation)).toBe('reserved');
    const query = compileKeyQuery(
      REGISTRY,
      'unique_code',
      {
        filter: {
          type: 'condition',
          field: 'reservation',
          operator: '_eq',
          value: reservation,
          path: 'reservation',
        },
        search: null,
      },
      { accountId: actor.accountId, userId: actor.userId },
    );
    const changed = await suite.moduleRef
      .get(UniqueCodeWriter)
      .updateMany(actor, [{ selection: { query }, input: { status: 'assigned' } }]);
    expect(changed).toHaveLength(2_000);
    expect(await plannedStatuses()).toEqual({ assigned: 0.67, unassigned: 0.33 });
  });
});
