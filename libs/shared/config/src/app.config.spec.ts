import { AppConfig, InvalidConfigError, loadConfig } from './app.config';

describe('loadConfig', () => {
  it('has defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config).toBeInstanceOf(AppConfig);
    expect(config.PORT).toBe(8055);
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(config.S3_FORCE_PATH_STYLE).toBe(true);
  });

  it('converts numbers and booleans from the environment', () => {
    const config = loadConfig({ PORT: '9000', S3_FORCE_PATH_STYLE: 'false', S3_ENDPOINT: '' });
    expect(config.PORT).toBe(9000);
    expect(config.S3_FORCE_PATH_STYLE).toBe(false);
    expect(config.S3_ENDPOINT).toBeUndefined();
  });

  it('refuses a bad value and names the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(InvalidConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ LINK_DOMAIN: 'https://x.com/' })).toThrow(/LINK_DOMAIN/);
  });

  it('refuses an export object grace period short enough to delete exports in flight', () => {
    expect(() => loadConfig({ EXPORT_OBJECT_GRACE_MS: '0' })).toThrow(/EXPORT_OBJECT_GRACE_MS/);
    expect(loadConfig({ EXPORT_OBJECT_GRACE_MS: '600000' }).EXPORT_OBJECT_GRACE_MS).toBe(600_000);
  });

  it('refuses an admin token without an admin email, and a short token', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'a'.repeat(32) })).toThrow(/ADMIN_EMAIL/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.co', ADMIN_TOKEN: 'short' })).toThrow(
      /ADMIN_TOKEN/,
    );
  });
});
