import { InvalidPayloadError } from '@sid/shared/errors';
import { CollectionDefinition } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';
import { TEST_COLLECTIONS } from './testing/test-collections';

const job: CollectionDefinition = {
  name: 'job',
  table: 'identifier_job',
  primaryKey: 'id',
  fields: { id: { type: 'uuid' }, name: { type: 'string' } },
};

function withJob(change: (definition: CollectionDefinition) => void): CollectionDefinition[] {
  const copy = structuredClone(job);
  change(copy);
  return [copy];
}

describe('CollectionRegistry', () => {
  const registry = new CollectionRegistry(TEST_COLLECTIONS);

  it('looks collections up by their public name', () => {
    expect(registry.has('unique_code')).toBe(true);
    expect(registry.has('constructor')).toBe(false);
    expect(registry.get('unique_code').table).toBe('unique_code');
    expect(registry.all().map((c) => c.name)).toEqual(TEST_COLLECTIONS.map((c) => c.name));
  });

  it('answers an unknown collection with InvalidPayloadError naming it', () => {
    expect(() => registry.get('directus_users')).toThrow(InvalidPayloadError);
    try {
      registry.get('directus_users');
    } catch (error) {
      expect((error as InvalidPayloadError).message).toBe(
        'Collection "directus_users" does not exist.',
      );
      expect((error as InvalidPayloadError).extensions).toEqual({ collection: 'directus_users' });
    }
  });

  it.each<[string, (d: CollectionDefinition) => void, RegExp]>([
    ['an unknown primary key', (d) => (d.primaryKey = 'uuid'), /primary key "uuid"/],
    ['an unknown tenant field', (d) => (d.tenantField = 'account'), /tenant field "account"/],
    ['an unknown search field', (d) => (d.searchFields = ['title']), /search field "title"/],
    ['a table that is not an identifier', (d) => (d.table = 'job; drop'), /table "job; drop"/],
    ['a column that is not an identifier', (d) => (d.fields.name.column = 'na"me'), /field "name"/],
    [
      'a relation to an unknown collection',
      (d) => (d.fields.owner = { type: 'uuid', relation: { kind: 'm2o', collection: 'users' } }),
      /related collection "users" is not defined/,
    ],
    [
      'a one-to-many field whose back reference does not exist',
      (d) =>
        (d.fields.children = {
          type: 'uuid',
          relation: { kind: 'o2m', collection: 'job', field: 'parent' },
        }),
      /"job.parent" is not defined/,
    ],
  ])('refuses a definition with %s (a programming error)', (_, change, message) => {
    expect(() => new CollectionRegistry(withJob(change))).toThrow(message);
    expect(() => new CollectionRegistry(withJob(change))).not.toThrow(InvalidPayloadError);
  });

  it('refuses a back reference that is a many-to-one to another collection', () => {
    const other: CollectionDefinition = { ...job, name: 'other', fields: { id: { type: 'uuid' } } };
    const broken = withJob((d) => {
      d.fields.parent = { type: 'uuid', relation: { kind: 'm2o', collection: 'other' } };
      d.fields.children = {
        type: 'uuid',
        relation: { kind: 'o2m', collection: 'job', field: 'parent' },
      };
    });
    expect(() => new CollectionRegistry([...broken, other])).toThrow(
      /"job.parent" must be a many-to-one field pointing back at "job"/,
    );
  });

  it('refuses the same collection twice', () => {
    expect(() => new CollectionRegistry([job, job])).toThrow(/defined twice/);
  });
});
