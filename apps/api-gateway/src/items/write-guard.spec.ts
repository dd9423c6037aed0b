import { InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter } from '@sid/shared/items';
import { ItemReferenceRepository } from './item-reference.repository';
import { WriteGuard } from './write-guard';

/**
 * The gate in front of every writer, for batch creates: the same column and tenancy checks as a
 * single create, item by item and before the writer sees any; a refusal names the item.
 */
describe('WriteGuard, batch create', () => {
  const PARTNER: Actor = { userId: 'u-1', accountId: 'acc-1', admin: false };
  const OWN = '/01/09506000134352';
  const FOREIGN = '/01/09506000134369';

  function setup() {
    const belongsTo = jest.fn(async (_target: unknown, id: string) => id === OWN);
    const writer = {
      collection: 'product',
      payloads: { create: Object, update: Object },
      create: jest.fn(async () => 'one'),
      update: jest.fn(),
      delete: jest.fn(),
      createMany: jest.fn(async (_actor: Actor, inputs: Record<string, unknown>[]) =>
        inputs.map((_, i) => `key-${i}`),
      ),
    };
    const guard = new WriteGuard({ belongsTo } as unknown as ItemReferenceRepository);
    return { belongsTo, writer, guarded: guard.wrap(writer as unknown as CollectionWriter) };
  }

  it("refuses an item that points at another account's item, naming it, before anything is stored", async () => {
    const { writer, guarded } = setup();
    const refused = guarded.createMany?.(PARTNER, [
      { gtin: '09506000134390', parent_product: OWN },
      { gtin: '09506000134406', parent_product: FOREIGN },
    ]);
    await expect(refused).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(refused).rejects.toMatchObject({
      message: `Product "${FOREIGN}" does not exist.`,
      extensions: { field: 'parent_product', item: 1 },
    });
    expect(writer.createMany).not.toHaveBeenCalled();
  });

  it('refuses a value its column cannot hold, naming the item', async () => {
    const { writer, guarded } = setup();
    await expect(
      guarded.createMany?.(PARTNER, [{ gtin: '09506000134390' }, { product_name: 'a\u0000b' }]),
    ).rejects.toMatchObject({ extensions: { field: 'product_name', item: 1 } });
    expect(writer.createMany).not.toHaveBeenCalled();
  });

  it('asks once per referenced item, however many items name it', async () => {
    const { belongsTo, writer, guarded } = setup();
    const inputs = Array.from({ length: 50 }, () => ({ parent_product: OWN }));
    await expect(guarded.createMany?.(PARTNER, inputs)).resolves.toHaveLength(50);
    expect(belongsTo).toHaveBeenCalledTimes(1);
    expect(writer.createMany).toHaveBeenCalledWith(PARTNER, inputs);
  });

  it('maps a value PostgreSQL refuses to a 400 naming the field and the item that held it', async () => {
    const { writer, guarded } = setup();
    writer.createMany.mockRejectedValueOnce(
      Object.assign(new Error('value too long for type character varying(200)'), {
        code: '22001',
        message: 'value "xyz" is too long',
      }),
    );
    await expect(
      guarded.createMany?.(PARTNER, [{ product_name: 'abc' }, { product_name: 'xyz' }]),
    ).rejects.toMatchObject({
      message: '"product_name" is too long for its field.',
      extensions: { field: 'product_name', item: 1 },
    });
  });

  it('leaves a writer without batch create without one', () => {
    const { writer } = setup();
    const single = { ...writer, createMany: undefined };
    const guard = new WriteGuard({ belongsTo: jest.fn() } as unknown as ItemReferenceRepository);
    expect(guard.wrap(single as unknown as CollectionWriter).createMany).toBeUndefined();
  });
});
