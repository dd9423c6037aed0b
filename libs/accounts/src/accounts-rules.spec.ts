import { ForbiddenError, InvalidCredentialsError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { AccountRepository, NewUser } from './account.repository';
import { AuthService } from './auth.service';
import { SessionService } from './session.service';
import { SCANTRUST_PERMISSIONS } from './scantrust-permissions';
import { hashToken } from './static-token';
import { UsersService } from './users.service';

/**
 * Accounts rules over a mocked repository: who may create users, in which account, and that a
 * token is stored only as its hash and resolves back to its user. The SQL is covered by the
 * gateway's integration tests.
 */

const ADMIN: Actor = { userId: 'admin-1', accountId: 'acc-admin', admin: true };
const USER: Actor = { userId: 'user-1', accountId: 'acc-1', admin: false };
const ACCOUNT = '11111111-1111-4111-8111-111111111111';

function repository(existingAccounts: string[] = []) {
  const tx = { query: jest.fn() };
  return {
    tx,
    accounts: {
      transaction: jest.fn(async (work: (t: unknown) => Promise<unknown>) => work(tx)),
      createAccount: jest.fn(async () => 'acc-new'),
      accountExists: jest.fn(async (id: string) => existingAccounts.includes(id)),
      createUser: jest.fn(async (_user: NewUser, _tx?: unknown) => 'user-new'),
      findActiveUserByTokenHash: jest.fn(),
      userExists: jest.fn(async () => true),
      updateUserNames: jest.fn(),
      setPassword: jest.fn(),
    },
  };
}

describe('UsersService', () => {
  function service(existingAccounts: string[] = []) {
    const { accounts, tx } = repository(existingAccounts);
    return { accounts, tx, users: new UsersService(accounts as unknown as AccountRepository) };
  }

  it('lets only admins create users', async () => {
    const { users, accounts } = service();
    await expect(
      users.create(USER, { email: 'p@example.com', account_name: 'P' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(accounts.transaction).not.toHaveBeenCalled();
  });

  it('creates a new account when named, in one transaction with the user; the token is stored hashed', async () => {
    const { users, accounts, tx } = service();
    const created = await users.create(ADMIN, {
      email: 'printer@example.com',
      account_name: 'Printer Co',
    });
    expect(created).toMatchObject({
      id: 'user-new',
      email: 'printer@example.com',
      role: 'user',
      account: 'acc-new',
    });
    expect(created.token.length).toBeGreaterThanOrEqual(32);
    expect(accounts.createAccount).toHaveBeenCalledWith('Printer Co', tx);
    expect(accounts.createUser).toHaveBeenCalledWith(
      {
        account: 'acc-new',
        email: 'printer@example.com',
        first_name: null,
        last_name: null,
        role: 'user',
        token_hash: hashToken(created.token),
        password_hash: null,
        permissions: null,
      },
      tx,
    );
    expect(created.permissions).toEqual([...SCANTRUST_PERMISSIONS]);
  });

  it('stores the Scantrust permissions the admin gives, and refuses an unknown one', async () => {
    const { users, accounts } = service([ACCOUNT]);
    const created = await users.create(ADMIN, {
      email: 'v@example.com',
      account: ACCOUNT,
      permissions: ['ingestion_view'],
    });
    expect(created.permissions).toEqual(['ingestion_view']);
    expect(accounts.createUser.mock.calls[0][0]).toMatchObject({ permissions: ['ingestion_view'] });
    await expect(
      users.create(ADMIN, { email: 'w@example.com', account: ACCOUNT, permissions: ['root'] }),
    ).rejects.toBeInstanceOf(InvalidPayloadError);
  });

  it('adds a user to an existing account, with the token asked for', async () => {
    const { users, accounts } = service([ACCOUNT]);
    const token = 'a-token-of-sixteen-chars';
    const created = await users.create(ADMIN, { email: 'b@example.com', account: ACCOUNT, token });
    expect(created).toMatchObject({ account: ACCOUNT, token });
    expect(accounts.createAccount).not.toHaveBeenCalled();
    expect(accounts.createUser.mock.calls[0][0]).toMatchObject({ token_hash: hashToken(token) });
  });

  it('refuses an unknown account, and a user with neither account nor account_name', async () => {
    const { users, accounts } = service();
    await expect(users.create(ADMIN, { email: 'b@example.com', account: ACCOUNT })).rejects.toThrow(
      new InvalidPayloadError(`Account "${ACCOUNT}" does not exist.`),
    );
    await expect(users.create(ADMIN, { email: 'b@example.com' })).rejects.toThrow(/Give "account"/);
    expect(accounts.createUser).not.toHaveBeenCalled();
  });

  it('stores a password given at creation as an argon2 hash, never as given', async () => {
    const { users, accounts } = service();
    await users.create(ADMIN, {
      email: 'c@example.com',
      account_name: 'C',
      password: 'correct horse battery',
    });
    const stored = accounts.createUser.mock.calls[0][0].password_hash;
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain('correct horse battery');
  });

  it('lets a user change their own names and password, an admin anyone, nobody else', async () => {
    const { users, accounts } = service();
    const other = '22222222-2222-4222-8222-222222222222';
    await expect(users.update(USER, other, { first_name: 'X' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(accounts.updateUserNames).not.toHaveBeenCalled();
    const self = { ...USER, userId: other };
    await users.update(self, other, { last_name: null, password: 'a new password' });
    expect(accounts.updateUserNames).toHaveBeenCalledWith(other, {
      first_name: undefined,
      last_name: null,
    });
    expect(accounts.setPassword.mock.calls[0][1]).toMatch(/^\$argon2id\$/);
    await users.update(ADMIN, other, { password: null });
    expect(accounts.setPassword).toHaveBeenLastCalledWith(other, null);
    accounts.userExists.mockResolvedValueOnce(false);
    await expect(users.update(ADMIN, other, { first_name: 'Y' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('answers a duplicate email as not unique', async () => {
    const { users, accounts } = service();
    accounts.createUser.mockRejectedValueOnce({ code: '23505', detail: 'Key (email) exists.' });
    await expect(
      users.create(ADMIN, { email: 'b@example.com', account_name: 'B' }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/already exists/) });
  });
});

describe('AuthService', () => {
  function sessions(actor?: Actor) {
    return {
      authenticate: jest.fn(async () => {
        if (!actor) throw new InvalidCredentialsError('Invalid user credentials.');
        return actor;
      }),
    } as unknown as SessionService;
  }

  it('resolves a token by its hash to the acting user', async () => {
    const { accounts } = repository();
    accounts.findActiveUserByTokenHash.mockResolvedValue({
      id: 'u-1',
      account: 'acc-1',
      role: 'admin',
    });
    const auth = new AuthService(accounts as unknown as AccountRepository, sessions());
    await expect(auth.authenticate('secret-token')).resolves.toEqual({
      userId: 'u-1',
      accountId: 'acc-1',
      admin: true,
    });
    expect(accounts.findActiveUserByTokenHash).toHaveBeenCalledWith(hashToken('secret-token'));
  });

  it('gives a Scantrust token its listed permissions; all of them to admins and to users without a list', async () => {
    const { accounts } = repository();
    const auth = new AuthService(accounts as unknown as AccountRepository, sessions());
    const user = { id: 'u-1', account: 'acc-1', role: 'user' };
    accounts.findActiveUserByTokenHash.mockResolvedValueOnce({
      ...user,
      permissions: ['workorder_view'],
    });
    const listed = await auth.authenticateScantrust('t');
    expect([...listed.permissions]).toEqual(['workorder_view']);
    accounts.findActiveUserByTokenHash.mockResolvedValueOnce({ ...user, permissions: null });
    expect([...(await auth.authenticateScantrust('t')).permissions]).toEqual([
      ...SCANTRUST_PERMISSIONS,
    ]);
    accounts.findActiveUserByTokenHash.mockResolvedValueOnce({
      ...user,
      role: 'admin',
      permissions: ['workorder_view'],
    });
    expect((await auth.authenticateScantrust('t')).permissions.size).toBe(
      SCANTRUST_PERMISSIONS.length,
    );
    accounts.findActiveUserByTokenHash.mockResolvedValueOnce(undefined);
    await expect(auth.authenticateScantrust('t')).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('refuses a token no active user has', async () => {
    const { accounts } = repository();
    accounts.findActiveUserByTokenHash.mockResolvedValue(undefined);
    const auth = new AuthService(accounts as unknown as AccountRepository, sessions());
    await expect(auth.authenticate('nope')).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('takes a JWT-shaped token as a login session first, then as a static token', async () => {
    const { accounts } = repository();
    const jwtShaped = 'aaa.bbb.ccc';
    const session = { userId: 'u-2', accountId: 'acc-2', admin: false };
    const viaSession = new AuthService(accounts as unknown as AccountRepository, sessions(session));
    await expect(viaSession.authenticate(jwtShaped)).resolves.toEqual(session);
    expect(accounts.findActiveUserByTokenHash).not.toHaveBeenCalled();

    accounts.findActiveUserByTokenHash.mockResolvedValue({ id: 'u-3', account: 'a', role: 'user' });
    const viaStatic = new AuthService(accounts as unknown as AccountRepository, sessions());
    await expect(viaStatic.authenticate(jwtShaped)).resolves.toMatchObject({ userId: 'u-3' });

    accounts.findActiveUserByTokenHash.mockResolvedValue(undefined);
    await expect(viaStatic.authenticate(jwtShaped)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});
