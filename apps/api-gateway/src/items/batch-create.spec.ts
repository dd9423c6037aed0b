import { InvalidPayloadError } from '@sid/shared/errors';
import { Actor, CollectionWriter } from '@sid/shared/items';
import { createMany } from './batch-create';

const actor: Actor = { userId: 'u', accountId: 'a', admin: false };

function writer(createMany?: CollectionWriter['createMany']): CollectionWriter {
  return {
    collection: 'thing',
    payloads: { create: Object, update: Object },
    create: jest.fn(),
    update: jest.fn(),
    delete: jest.fn(),
    createMany,
  };
}

describe('createMany (batch create)', () => {
  it('answers the keys in order, with the shown-once fields of each item', async () => {
    const many = jest.fn(async () => ['k1', { id: 'k2', once: { secret: 's2' } }]);
    await expect(createMany(writer(many), actor, [{}, {}], 10)).resolves.toEqual([
      { id: 'k1', once: {} },
      { id: 'k2', once: { secret: 's2' } },
    ]);
  });

  it('says plainly when a collection is created one item per request', async () => {
    const refused = createMany(writer(), actor, [{}], 10);
    await expect(refused).rejects.toThrow(InvalidPayloadError);
    await expect(refused).rejects.toThrow(/created one item per request/);
  });

  it('refuses more than the maximum before the writer sees any item', async () => {
    const many = jest.fn();
    await expect(createMany(writer(many), actor, [{}, {}, {}], 2)).rejects.toThrow(
      'At most 2 items can be created in one request, got 3.',
    );
    expect(many).not.toHaveBeenCalled();
  });
});
