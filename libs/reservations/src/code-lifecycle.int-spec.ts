import { DataSource } from 'typeorm';
import { ForbiddenError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor, BatchUpdate } from '@sid/shared/items';
// The selection a batch update gets is compiled by the gateway's query language, as in production.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { compileKeyQuery, FilterNode, parseFilter } from '@sid/gateway-query';
import { jobId, JobName, JobQueue, QueueName } from '@sid/shared/queue';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';
import { UniqueCodeWriter } from './unique-code.writer';
import {
  heldBy,
  insertReservation,
  OTHER_PRODUCT,
  REGISTRY,
  ReservationSuite,
  reservationRow,
  seedCodes,
  seedFreshAccount,
  seedProduct,
  startReservationSuite,
} from './testing/reservation-test.factory';

/**
 * unassigned → reserved → assigned → encoded, one code or many at once (the writer behind
 * `PATCH /items/unique_code[/<id>]`): forward one step only, all or nothing, tenant-scoped.
 */
let suite: ReservationSuite;
let db: DataSource;
let writer: UniqueCodeWriter;
let claims: ReservationClaimService;

beforeAll(async () => {
  suite = await startReservationSuite('lifecycle');
  ({ db } = suite);
  writer = suite.moduleRef.get(UniqueCodeWriter);
  claims = suite.moduleRef.get(ReservationClaimService);
});

afterAll(async () => {
  await suite?.close();
});

interface Code {
  id: string;
  code: string;
  status: string;
  reservation: string | null;
}

/** A fresh account with its own product pool of `count` codes. */
async function account(count: number): Promise<{ actor: Actor; product: string }> {
  const actor = await seedFreshAccount(db);
  const product = await seedProduct(db, actor.accountId, '09506008');
  await seedCodes(db, actor.accountId, count, { product });
  return { actor, product };
}

async function codesOf(product: string): Promise<Code[]> {
  return db.query(
    `SELECT id, code, status, reservation FROM unique_code WHERE product = $1 ORDER BY id`,
    [product],
  );
}

async function filled(actor: Actor, product: string, quantity: number): Promise<string> {
  const id = await insertReservation(db, actor, quantity, { product });
  expect(await claims.run(id)).toBe('reserved');
  return id;
}

const byKeys = (actor: Actor, keys: string[], input: Record<string, unknown>): BatchUpdate => ({
  selection: {
    query: compileKeyQuery(
      REGISTRY,
      'unique_code',
      {
        filter: { type: 'condition', field: 'id', operator: '_in', value: keys, path: 'keys' },
        search: null,
      },
      { accountId: actor.accountId, userId: actor.userId },
    ),
    keys,
  },
  input,
});

const byFilter = (actor: Actor, filter: unknown, input: Record<string, unknown>): BatchUpdate => ({
  selection: {
    query: compileKeyQuery(
      REGISTRY,
      'unique_code',
      { filter: parseFilter(filter, 'query.filter') as FilterNode, search: null },
      { accountId: actor.accountId, userId: actor.userId },
    ),
  },
  input,
});

async function statuses(ids: string[]): Promise<Record<string, number>> {
  const rows: { status: string; n: number }[] = await db.query(
    `SELECT status, count(*)::int AS n FROM unique_code WHERE id = ANY($1) GROUP BY status`,
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('one code (PATCH /items/unique_code/<id>)', () => {
  it('moves forward one step at a time and refuses to skip or go back, naming the code and both statuses', async () => {
    const { actor, product } = await account(3);
    const reservation = await filled(actor, product, 1);
    const [reserved] = (await codesOf(product)).filter((c) => c.status === 'reserved');
    const [free] = (await codesOf(product)).filter((c) => c.status === 'unassigned');

    await expect(writer.update(actor, free.id, { status: 'assigned' })).rejects.toThrow(
      `Code "${free.code}" cannot move from "unassigned" to "assigned"`,
    );
    await writer.update(actor, reserved.id, { status: 'assigned' });
    await expect(writer.update(actor, reserved.id, { status: 'reserved' })).rejects.toMatchObject({
      message: expect.stringContaining(
        `Code "${reserved.code}" cannot move from "assigned" to "reserved"`,
      ),
      code: 'INVALID_PAYLOAD',
      extensions: { unique_code: reserved.code, from: 'assigned', to: 'reserved' },
    });
    await writer.update(actor, reserved.id, { status: 'assigned', custom_id: 'label-1' }); // same status: fine
    await writer.update(actor, reserved.id, { status: 'encoded' });
    await expect(writer.update(actor, reserved.id, { status: 'unassigned' })).rejects.toThrow(
      /cannot move from "encoded" to "unassigned"/,
    );

    const [row] = await db.query(
      `SELECT status, reservation, custom_id, user_updated FROM unique_code WHERE id = $1`,
      [reserved.id],
    );
    expect(row).toEqual({
      status: 'encoded',
      reservation,
      custom_id: 'label-1',
      user_updated: actor.userId,
    });
  });

  it('reserves a free code into a reservation with room, which then counts it', async () => {
    const { actor, product } = await account(4);
    const reservation = await insertReservation(db, actor, 2, { product });
    const [a, b, c] = await codesOf(product);

    await expect(writer.update(actor, a.id, { status: 'reserved' })).rejects.toThrow(
      `Code "${a.code}" needs a "reservation" to become reserved.`,
    );
    await writer.update(actor, a.id, { status: 'reserved', reservation });
    expect(await reservationRow(db, reservation)).toMatchObject({
      status: 'in_progress',
      quantity_reserved: 1,
    });
    await writer.update(actor, b.id, { status: 'reserved', reservation });
    await expect(writer.update(actor, c.id, { status: 'reserved', reservation })).rejects.toThrow(
      `Reservation "${reservation}" holds 2 of its 2 codes: 1 more do not fit.`,
    );

    expect(await heldBy(db, reservation)).toEqual({ reserved: 2 });
    // Full: its export is asked for, as after a claim.
    const exportJob = await suite.moduleRef
      .get(JobQueue)
      .queue(QueueName.CodeExport)
      .getJob(jobId(JobName.ExportReservation, { reservationId: reservation }));
    expect(exportJob).toBeDefined();
  });

  it('refuses a reservation that is finished, foreign, for other codes, or a change of hands', async () => {
    const { actor, product } = await account(3);
    const other = await account(1);
    const done = await insertReservation(db, actor, 5, { product });
    await db.query(`UPDATE code_reservation SET status = 'cancelled' WHERE id = $1`, [done]);
    const foreign = await insertReservation(db, other.actor, 5, { product: other.product });
    const otherProduct = await insertReservation(db, actor, 5, { product: OTHER_PRODUCT });
    const held = await filled(actor, product, 1);
    const [reserved] = (await codesOf(product)).filter((c) => c.status === 'reserved');
    const [free] = (await codesOf(product)).filter((c) => c.status === 'unassigned');

    await expect(
      writer.update(actor, free.id, { status: 'reserved', reservation: done }),
    ).rejects.toThrow(`Reservation "${done}" is cancelled`);
    await expect(
      writer.update(actor, free.id, { status: 'reserved', reservation: foreign }),
    ).rejects.toThrow(`Reservation "${foreign}" does not exist.`);
    await expect(
      writer.update(actor, free.id, { status: 'reserved', reservation: otherProduct }),
    ).rejects.toThrow(/is for other codes than/);
    await expect(writer.update(actor, reserved.id, { reservation: otherProduct })).rejects.toThrow(
      /changes only through the reservation itself/,
    );

    expect(await heldBy(db, held)).toEqual({ reserved: 1 });
    const [row] = await db.query(`SELECT status FROM unique_code WHERE id = $1`, [free.id]);
    expect(row.status).toBe('unassigned');
  });

  it('another account’s code does not exist for the caller', async () => {
    const { actor } = await account(0);
    const other = await account(1);
    const [code] = await codesOf(other.product);
    await expect(writer.update(actor, code.id, { custom_id: 'mine' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(writer.update(actor, 'not-a-uuid', { custom_id: 'mine' })).rejects.toThrow(
      ForbiddenError,
    );
    const [row] = await db.query(`SELECT custom_id FROM unique_code WHERE id = $1`, [code.id]);
    expect(row.custom_id).toBeNull();
  });
});

describe('many codes (PATCH /items/unique_code)', () => {
  it('moves every listed code in one statement and returns their keys', async () => {
    const { actor, product } = await account(300);
    const reservation = await filled(actor, product, 250);
    const keys = (await codesOf(product))
      .filter((c) => c.reservation === reservation)
      .map((c) => c.id);

    const changed = await writer.updateMany(actor, [byKeys(actor, keys, { status: 'assigned' })]);

    expect(changed.sort()).toEqual([...keys].sort());
    expect(await statuses(keys)).toEqual({ assigned: 250 });
    expect(await heldBy(db, reservation)).toEqual({ assigned: 250 });
  });

  it('changes nothing when any one code would skip or go back, and names it', async () => {
    const { actor, product } = await account(120);
    const reservation = await filled(actor, product, 100);
    const held = (await codesOf(product)).filter((c) => c.reservation === reservation);
    await writer.update(actor, held[40].id, { status: 'assigned' });
    await writer.update(actor, held[40].id, { status: 'encoded' });
    const keys = held.map((c) => c.id);

    const attempt = writer.updateMany(actor, [byKeys(actor, keys, { status: 'assigned' })]);

    await expect(attempt).rejects.toThrow(InvalidPayloadError);
    await expect(attempt).rejects.toThrow(
      `Code "${held[40].code}" cannot move from "encoded" to "assigned"`,
    );
    expect(await statuses(keys)).toEqual({ reserved: 99, encoded: 1 });
    // Skipping a step is refused the same way.
    const free = (await codesOf(product)).filter((c) => c.status === 'unassigned').map((c) => c.id);
    await expect(
      writer.updateMany(actor, [byKeys(actor, free, { status: 'encoded' })]),
    ).rejects.toThrow(/cannot move from "unassigned" to "encoded"/);
    expect(await statuses(free)).toEqual({ unassigned: 20 });
  });

  it('by filter: only the matching codes of the caller’s own account', async () => {
    const mine = await account(60);
    const theirs = await account(60);
    const reservation = await filled(mine.actor, mine.product, 50);
    await filled(theirs.actor, theirs.product, 50);

    const changed = await writer.updateMany(mine.actor, [
      byFilter(
        mine.actor,
        { reservation: { _eq: reservation }, status: { _eq: 'reserved' } },
        { status: 'assigned' },
      ),
      // A filter that would match the other account's codes too.
      byFilter(mine.actor, { status: { _eq: 'assigned' } }, { status: 'encoded' }),
    ]);

    expect(changed).toHaveLength(100);
    expect(await heldBy(db, reservation)).toEqual({ encoded: 50 });
    const theirCodes = await codesOf(theirs.product);
    expect(theirCodes.filter((c) => c.status === 'reserved')).toHaveLength(50);
    expect(theirCodes.filter((c) => c.status !== 'reserved' && c.status !== 'unassigned')).toEqual(
      [],
    );
  });

  it('a key the caller cannot see makes the whole batch a 403, and nothing changes', async () => {
    const mine = await account(10);
    const theirs = await account(10);
    const reservation = await filled(mine.actor, mine.product, 10);
    await filled(theirs.actor, theirs.product, 10);
    const keys = (await codesOf(mine.product)).map((c) => c.id);
    const [foreign] = await codesOf(theirs.product);

    await expect(
      writer.updateMany(mine.actor, [
        byKeys(mine.actor, [...keys, foreign.id], { status: 'assigned' }),
      ]),
    ).rejects.toThrow(ForbiddenError);

    expect(await heldBy(db, reservation)).toEqual({ reserved: 10 });
    expect(await statuses([foreign.id])).toEqual({ reserved: 1 });
  });

  it('several parts are one transaction: a refusal in the last undoes the first', async () => {
    const { actor, product } = await account(20);
    const reservation = await filled(actor, product, 10);
    const held = (await codesOf(product))
      .filter((c) => c.reservation === reservation)
      .map((c) => c.id);
    const free = (await codesOf(product)).filter((c) => c.status === 'unassigned').map((c) => c.id);

    await expect(
      writer.updateMany(actor, [
        byKeys(actor, held.slice(0, 5), { status: 'assigned' }),
        byKeys(actor, free, { status: 'assigned' }),
      ]),
    ).rejects.toThrow(/cannot move from "unassigned" to "assigned"/);

    expect(await statuses(held)).toEqual({ reserved: 10 });
  });

  it('reserves many free codes into a reservation up to its quantity, never past it', async () => {
    const { actor, product } = await account(30);
    const reservation = await insertReservation(db, actor, 20, { product });
    const free = (await codesOf(product)).map((c) => c.id);

    await expect(
      writer.updateMany(actor, [byKeys(actor, free, { status: 'reserved', reservation })]),
    ).rejects.toThrow(`Reservation "${reservation}" holds 0 of its 20 codes: 30 more do not fit.`);
    expect(await reservationRow(db, reservation)).toMatchObject({
      quantity_reserved: 0,
      status: 'new',
    });

    await writer.updateMany(actor, [
      byKeys(actor, free.slice(0, 20), { status: 'reserved', reservation }),
    ]);
    expect(await reservationRow(db, reservation)).toMatchObject({
      quantity_reserved: 20,
      status: 'in_progress',
    });
    expect(await heldBy(db, reservation)).toEqual({ reserved: 20 });
    // The claim that arrives afterwards finds it full and takes nothing more.
    expect(await claims.run(reservation)).toBe('reserved');
    expect(await heldBy(db, reservation)).toEqual({ reserved: 20 });
  });

  it('races with a cancellation of the same reservation without deadlock or lost codes', async () => {
    const cancel = suite.moduleRef.get(CodeReservationWriter);
    for (let round = 0; round < 5; round++) {
      const { actor, product } = await account(400);
      const reservation = await filled(actor, product, 400);
      const all = (await codesOf(product)).map((c) => c.id);
      const half = all.filter((_, i) => i % 2 === 0);

      const results = await Promise.allSettled([
        writer.updateMany(actor, [byKeys(actor, half, { status: 'assigned' })]),
        cancel.update(actor, reservation, { status: 'cancelled' }),
      ]);

      expect(results[1].status).toBe('fulfilled');
      const codes = await codesOf(product);
      // Either the batch came first (its codes stay assigned) or the cancellation did (the batch
      // then finds free codes and is refused as a whole): never a mix, never a reserved leftover.
      const assigned = codes.filter((c) => c.status === 'assigned');
      expect(assigned.length === 0 || assigned.length === half.length).toBe(true);
      expect(assigned.every((c) => c.reservation === reservation)).toBe(true);
      expect(codes.filter((c) => c.status === 'reserved')).toEqual([]);
      expect(results[0].status).toBe(assigned.length > 0 ? 'fulfilled' : 'rejected');
    }
  });
});
