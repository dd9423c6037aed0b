import { isInternalAddress, isLoopbackAddress, webhookUrlProblem } from './webhook-url';

const production = { production: true, allowPrivate: false };
const development = { production: false, allowPrivate: false };
const resolveTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('address classes', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
  ])('%s is internal', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1'])(
    '%s is public',
    (address) => expect(isInternalAddress(address)).toBe(false),
  );

  it('knows loopback from other internal addresses', () => {
    expect(isLoopbackAddress('127.0.0.53')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
  });
});

describe('webhookUrlProblem', () => {
  it('takes a public https URL in production', async () => {
    expect(
      await webhookUrlProblem(
        'https://hooks.example.com/x',
        production,
        resolveTo('93.184.216.34'),
      ),
    ).toBeNull();
  });

  it('refuses http, credentials and other schemes in production', async () => {
    const pub = resolveTo('93.184.216.34');
    expect(await webhookUrlProblem('http://hooks.example.com/x', production, pub)).toBe(
      'must be an https URL',
    );
    expect(await webhookUrlProblem('ftp://hooks.example.com/x', production, pub)).toBe(
      'must be an https URL',
    );
    expect(await webhookUrlProblem('https://a:b@hooks.example.com/', production, pub)).toBe(
      'must not carry credentials',
    );
    expect(await webhookUrlProblem('not a url', production, pub)).toBe('must be an absolute URL');
  });

  it('refuses a host that resolves to any internal address, and literal ones', async () => {
    const problem = 'must not point at a private, loopback or link-local address';
    expect(
      await webhookUrlProblem(
        'https://sneaky.example.com/',
        production,
        resolveTo('93.184.216.34', '10.0.0.5'),
      ),
    ).toBe(problem);
    expect(await webhookUrlProblem('https://169.254.169.254/latest', production)).toBe(problem);
    expect(await webhookUrlProblem('https://[::1]:8443/', production)).toBe(problem);
    expect(await webhookUrlProblem('https://127.0.0.1/', development)).toBeNull();
    expect(await webhookUrlProblem('https://192.168.0.10/', development)).toBe(problem);
  });

  it('allows loopback http in development only', async () => {
    expect(await webhookUrlProblem('http://127.0.0.1:9000/hook', development)).toBeNull();
    expect(
      await webhookUrlProblem('http://localhost:9000/hook', development, resolveTo('127.0.0.1')),
    ).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9000/hook', production)).toBe(
      'must be an https URL',
    );
    expect(
      await webhookUrlProblem('http://hooks.example.com/', development, resolveTo('93.184.216.34')),
    ).toBe('must be an https URL');
  });

  it('allows private addresses when WEBHOOK_ALLOW_PRIVATE_URLS is set, still https in production', async () => {
    const closed = { production: true, allowPrivate: true };
    expect(await webhookUrlProblem('https://10.0.0.5/hook', closed)).toBeNull();
    expect(await webhookUrlProblem('http://10.0.0.5/hook', closed)).toBe('must be an https URL');
  });

  it('names a host that does not resolve', async () => {
    const fail = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await webhookUrlProblem('https://nowhere.invalid/', production, fail)).toBe(
      'its host "nowhere.invalid" does not resolve',
    );
  });
});
