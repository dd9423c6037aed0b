import { MIGRATIONS } from './index';

/**
 * TypeORM runs pending migrations in the order of the timestamp that ends their name, whatever
 * the order of this list: a migration numbered before one already released would run before it
 * on a fresh database and after it on every existing one.
 */
describe('the migration list', () => {
  const names = MIGRATIONS.map((migration) => new migration().name ?? migration.name);

  it('names each migration with its 13-digit timestamp at the end', () => {
    expect(names.filter((name) => !/\d{13}$/.test(name))).toEqual([]);
  });

  it('is oldest first, each migration numbered after the one before', () => {
    const stamp = (name: string) => Number(name.slice(-13));
    const outOfOrder = names.filter((name, i) => i > 0 && stamp(name) <= stamp(names[i - 1]));
    expect(outOfOrder).toEqual([]);
  });
});
