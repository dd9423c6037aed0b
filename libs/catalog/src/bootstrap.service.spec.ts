import { AccountRepository, hashToken } from '@sid/accounts';
import { BootstrapService } from './bootstrap.service';
import { DomainRepository } from './domain.repository';

/**
 * The admin bootstrap over mocked repositories: at every start the configured admin exists, with
 * the configured token, and its account has a default link domain, all in one transaction that
 * holds the bootstrap lock (several gateway replicas start at once).
 */
function setup(existing?: { id: string; account: string }) {
  const tx = { query: jest.fn() };
  const order: string[] = [];
  const step =
    <T>(name: string, value?: T) =>
    async () => {
      order.push(name);
      return value;
    };
  const accounts = {
    transaction: jest.fn(async (work: (t: unknown) => Promise<unknown>) => {
      order.push('begin');
      const result = await work(tx);
      order.push('commit');
      return result;
    }),
    lockBootstrap: jest.fn(step('lock')),
    findUserByEmail: jest.fn(step('find', existing)),
    resetAdmin: jest.fn(step('reset')),
    createAccount: jest.fn(step('account', 'acc-new')),
    createUser: jest.fn(step('user', 'user-new')),
  };
  const domains = { ensureDefault: jest.fn(step('domain')) };
  const service = new BootstrapService(
    accounts as unknown as AccountRepository,
    domains as unknown as DomainRepository,
  );
  return { service, accounts, domains, tx, order };
}

const ADMIN = {
  email: 'admin@example.com',
  token: 'configured-admin-token',
  linkDomain: 'id.x.example',
};

describe('BootstrapService', () => {
  it('creates the admin, its account and its default domain the first time', async () => {
    const { service, accounts, domains, tx, order } = setup();
    await expect(service.ensureAdmin(ADMIN)).resolves.toBe('user-new');
    expect(order).toEqual(['begin', 'lock', 'find', 'account', 'user', 'domain', 'commit']);
    expect(accounts.createAccount).toHaveBeenCalledWith('Default', tx);
    expect(accounts.createUser).toHaveBeenCalledWith(
      {
        account: 'acc-new',
        email: 'admin@example.com',
        first_name: 'Admin',
        last_name: 'User',
        role: 'admin',
        token_hash: hashToken('configured-admin-token'),
      },
      tx,
    );
    expect(domains.ensureDefault).toHaveBeenCalledWith('acc-new', 'id.x.example', tx);
  });

  it('afterwards only resets the admin to the configured token, in its own account', async () => {
    const { service, accounts, domains, tx, order } = setup({ id: 'user-1', account: 'acc-1' });
    await expect(service.ensureAdmin(ADMIN)).resolves.toBe('user-1');
    expect(order).toEqual(['begin', 'lock', 'find', 'reset', 'domain', 'commit']);
    expect(accounts.resetAdmin).toHaveBeenCalledWith(
      'user-1',
      hashToken('configured-admin-token'),
      tx,
    );
    expect(accounts.createAccount).not.toHaveBeenCalled();
    expect(domains.ensureDefault).toHaveBeenCalledWith('acc-1', 'id.x.example', tx);
  });
});
