import { DataSource } from 'typeorm';
import { IdentifierGenerationService } from '@sid/codes';
import { UniqueCodeWriter } from './unique-code.writer';
import { InvalidPayloadError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
// The selection a batch update gets is compiled by the gateway's query language, as in production.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  compileItemQuery,
  compileKeyQuery,
  itemByIdQuery,
  parseItemQuery,
} from '@sid/gateway-query';
import { CodeReservationWriter } from './code-reservation.writer';
import { ReservationClaimService } from './reservation-claim.service';
import {
  heldBy,
  HOST,
  insertReservation,
  ORGANISATION,
  PRODUCT,
  REGISTRY,
  ReservationSuite,
  reservationRow,
  seedCodes,
  startReservationSuite,
} from './testing/reservation-test.factory';

/** The reservation's own fields, its codes through the item API, and cancellation. */
let suite: ReservationSuite;
let db: DataSource;
let actor: Actor;
let writer: CodeReservationWriter;
let claims: ReservationClaimService;
let codes: UniqueCodeWriter;

beforeAll(async () => {
  suite = await startReservationSuite('reservations');
  ({ db, actor } = suite);
  writer = suite.moduleRef.get(CodeReservationWriter);
  claims = suite.moduleRef.get(ReservationClaimService);
  codes = suite.moduleRef.get(UniqueCodeWriter);
});

afterAll(async () => {
  await suite?.close();
});

/** Reads one reservation as `GET /items/code_reservation/<id>?<raw>` would. */
async function readReservation(
  id: string,
  raw: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parsed = parseItemQuery(raw, { defaultLimit: 100, maxLimit: 1_000 });
  const compiled = compileItemQuery(REGISTRY, 'code_reservation', itemByIdQuery(parsed, 'id', id), {
    accountId: actor.accountId,
    userId: actor.userId,
  });
  const [row] = await db.query(compiled.sql, compiled.params);
  return row?.item;
}

/** Moves some of a reservation's codes forward through the codes' own batch update. */
async function moveCodes(
  reservation: string,
  count: number,
  status: 'assigned' | 'encoded',
): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM unique_code WHERE reservation = $1 AND status = 'reserved' ORDER BY id LIMIT $2`,
    [reservation, count],
  );
  const keys = rows.map((r) => r.id);
  const selection = (value: string[]) => ({
    query: compileKeyQuery(
      REGISTRY,
      'unique_code',
      {
        filter: { type: 'condition', field: 'id', operator: '_in', value, path: 'keys' },
        search: null,
      },
      { accountId: actor.accountId, userId: actor.userId },
    ),
    keys: value,
  });
  await codes.updateMany(actor, [{ selection: selection(keys), input: { status: 'assigned' } }]);
  if (status === 'encoded')
    await codes.updateMany(actor, [{ selection: selection(keys), input: { status } }]);
  return keys;
}

async function reservedFull(
  quantity: number,
  input: Record<string, unknown> = {},
): Promise<string> {
  await seedCodes(db, actor.accountId, quantity);
  const id = await writer.create(actor, { product: PRODUCT, quantity, ...input });
  expect(await claims.run(id)).toBe('reserved');
  return id;
}

describe('create', () => {
  it('records reserved_for, reference_id, purchase_order, url_suffix and export_type as sent, status new', async () => {
    const id = await writer.create(actor, {
      product: PRODUCT,
      quantity: 3,
      reserved_for: ORGANISATION,
      reference_id: 'BATCH-2024-001',
      purchase_order: 'PO-567',
      url_suffix: '?utm_source=label',
      export_type: 'json',
    });

    expect(
      await readReservation(id, {
        fields:
          'status,quantity,quantity_reserved,code_type,product,reference_id,purchase_order,url_suffix,export_type,reserved_for.id,reserved_for.name',
      }),
    ).toEqual({
      status: 'new',
      quantity: 3,
      quantity_reserved: 0,
      code_type: 'sgtin',
      product: PRODUCT,
      reference_id: 'BATCH-2024-001',
      purchase_order: 'PO-567',
      url_suffix: '?utm_source=label',
      export_type: 'json',
      reserved_for: { id: ORGANISATION, name: 'Factory' },
    });
  });

  it.each([
    [
      { quantity: 5, product: PRODUCT, reserved_for: '/417/9312345000012' },
      /Organisation "\/417\/9312345000012" does not exist/,
    ],
    [{ quantity: 5, product: PRODUCT, reserved_for: 'acme' }, /organisation id such as \/417\//],
    [
      { quantity: 5, product: '/01/09312345551927' },
      /Product "\/01\/09312345551927" does not exist/,
    ],
    [{ quantity: 5 }, /A reservation of sgtin codes needs a product/],
    [{ quantity: 0, product: PRODUCT }, /"quantity"/],
    [{ quantity: 5, product: PRODUCT, url_suffix: 'has space' }, /"url_suffix"/],
    [
      { quantity: 5, product: PRODUCT, status: 'complete' },
      /"status" is not a field that can be written/,
    ],
  ])('refuses %j', async (input, message) => {
    await expect(writer.create(actor, input)).rejects.toThrow(InvalidPayloadError);
    await expect(writer.create(actor, input)).rejects.toThrow(message);
  });

  it('lists its codes through the item API (fields=codes.code,codes.digital_link)', async () => {
    const id = await reservedFull(7);
    const held: { code: string; digital_link: string }[] = await db.query(
      `SELECT code, digital_link FROM unique_code WHERE reservation = $1 ORDER BY id`,
      [id],
    );

    const item = await readReservation(id, {
      fields: 'quantity_reserved,codes.code,codes.digital_link',
    });

    expect(item.quantity_reserved).toBe(7);
    expect(item.codes).toEqual(held);
    expect(held[0].digital_link).toContain(HOST);
    // Limited with deep, as Directus does.
    const page = await readReservation(id, {
      fields: 'codes.code',
      deep: { codes: { _limit: '2' } },
    });
    expect(page.codes).toEqual(held.slice(0, 2).map(({ code }) => ({ code })));
  });
});

describe('cancellation', () => {
  it('PATCH status cancelled gives the unused codes back; assigned and encoded codes stay', async () => {
    const id = await reservedFull(10);
    const assigned = await moveCodes(id, 3, 'assigned');
    const encoded = await moveCodes(id, 2, 'encoded');
    const unused: string[] = (
      await db.query(`SELECT id FROM unique_code WHERE reservation = $1 AND status = 'reserved'`, [
        id,
      ])
    ).map((r: { id: string }) => r.id);
    expect(unused).toHaveLength(5);

    await writer.update(actor, id, { status: 'cancelled', reference_id: 'stopped' });

    expect(await reservationRow(db, id)).toMatchObject({
      status: 'cancelled',
      quantity_reserved: 5,
    });
    expect(await heldBy(db, id)).toEqual({ assigned: 3, encoded: 2 });
    const kept: { id: string }[] = await db.query(
      `SELECT id FROM unique_code WHERE reservation = $1`,
      [id],
    );
    expect(kept.map((r) => r.id).sort()).toEqual([...assigned, ...encoded].sort());
    const released = await db.query(
      `SELECT DISTINCT status, reservation FROM unique_code WHERE id = ANY($1)`,
      [unused],
    );
    expect(released).toEqual([{ status: 'unassigned', reservation: null }]);
    expect((await readReservation(id, { fields: 'reference_id' })).reference_id).toBe('stopped');
    // A claim that arrives later (a duplicate, a wake-up) takes nothing.
    await seedCodes(db, actor.accountId, 20);
    expect(await claims.run(id)).toBe('skipped');
    expect(await heldBy(db, id)).toEqual({ assigned: 3, encoded: 2 });
  });

  it('DELETE removes a reservation that holds no used codes, and keeps one that does (cancelled)', async () => {
    const unused = await reservedFull(4);
    const used = await reservedFull(4);
    await moveCodes(used, 1, 'assigned');

    await writer.delete(actor, unused);
    await writer.delete(actor, used);

    expect(await reservationRow(db, unused)).toBeUndefined();
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE reservation = $1`,
      [unused],
    );
    expect(n).toBe(0);
    expect(await reservationRow(db, used)).toMatchObject({
      status: 'cancelled',
      quantity_reserved: 1,
    });
    expect(await heldBy(db, used)).toEqual({ assigned: 1 });
  });

  it('a cancellation in the middle of a claim leaves the reservation cancelled and holding nothing', async () => {
    await seedCodes(db, actor.accountId, 20_000);
    const id = await insertReservation(db, actor, 20_000);

    const running = claims.run(id);
    let reserved = 0;
    while (reserved === 0) reserved = (await reservationRow(db, id)).quantity_reserved;
    await writer.update(actor, id, { status: 'cancelled' });
    const outcome = await running;

    expect(reserved).toBeLessThan(20_000); // it was cancelled mid-claim...
    expect(outcome).toBe('skipped'); // ...and the claim stopped at its next batch
    expect(await reservationRow(db, id)).toMatchObject({
      status: 'cancelled',
      quantity_reserved: 0,
    });
    expect(await heldBy(db, id)).toEqual({});
  });

  it('codes made for a cancelled reservation stay in the pool: nothing is claimed after cancellation', async () => {
    const generator = suite.moduleRef.get(IdentifierGenerationService);
    const id = await insertReservation(db, actor, 30_000);
    const [{ n: before }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE product = $1 AND status = 'unassigned'`,
      [PRODUCT],
    );
    expect(before).toBeLessThan(30_000);
    expect(await claims.run(id)).toBe('waiting');
    const [job] = await db.query(
      `SELECT id, quantity FROM identifier_job WHERE code_reservation = $1`,
      [id],
    );

    await writer.update(actor, id, { status: 'cancelled' });
    expect(await generator.run(job.id)).toBe('complete');
    expect(await claims.run(id)).toBe('skipped');

    expect(await heldBy(db, id)).toEqual({});
    expect(await reservationRow(db, id)).toMatchObject({
      status: 'cancelled',
      quantity_reserved: 0,
    });
    const [{ n: after }] = await db.query(
      `SELECT count(*)::int AS n FROM unique_code WHERE product = $1 AND status = 'unassigned'`,
      [PRODUCT],
    );
    expect(after).toBe(before + job.quantity);
  });

  it('refuses to cancel (or delete) a complete reservation: its exported codes never go back to the pool', async () => {
    const id = await reservedFull(6);
    const [{ id: file }] = await db.query(
      `INSERT INTO file (account, storage_key, filename_download, type, filesize)
       VALUES ($1, $2, 'PO.csv', 'text/csv', 1) RETURNING id`,
      [actor.accountId, `exports/${id}.csv`],
    );
    await db.query(
      `UPDATE code_reservation SET status = 'complete', export_file = $2 WHERE id = $1`,
      [id, file],
    );

    const refused = writer.update(actor, id, { status: 'cancelled' });
    await expect(refused).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(refused).rejects.toThrow(/is complete: its codes were exported/);
    await expect(writer.delete(actor, id)).rejects.toThrow(/is complete/);

    expect(await reservationRow(db, id)).toMatchObject({
      status: 'complete',
      quantity_reserved: 6,
    });
    expect(await heldBy(db, id)).toEqual({ reserved: 6 });
  });

  it('only the caller’s own reservations can be cancelled', async () => {
    const id = await reservedFull(2);
    const stranger: Actor = { ...actor, accountId: '00000000-0000-4000-8000-000000000001' };
    await expect(writer.update(stranger, id, { status: 'cancelled' })).rejects.toThrow(
      /permission/,
    );
    await expect(writer.delete(stranger, id)).rejects.toThrow(/permission/);
    expect(await heldBy(db, id)).toEqual({ reserved: 2 });
  });
});
