import pino from 'pino';
import { Writable } from 'node:stream';
import { AppConfig } from '@sid/shared/config';
import { loggerOptions, redactUrl } from './logger-options';
import { requestContext } from './request-context';

/** A pino logger with the apps' options, writing JSON lines into `lines`. */
function logger(lines: Record<string, unknown>[]) {
  const options = loggerOptions(Object.assign(new AppConfig(), { NODE_ENV: 'production' }));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return pino(
    { level: options.level, redact: options.redact, mixin: options.mixin } as pino.LoggerOptions,
    sink,
  );
}

describe('log options', () => {
  it('redacts authorization headers, cookies, tokens, passwords and secrets', () => {
    const lines: Record<string, unknown>[] = [];
    logger(lines).info(
      {
        req: {
          headers: { authorization: 'Bearer abc', cookie: 'sid_ops_token=abc', accept: '*/*' },
          query: { access_token: 'abc', limit: '5' },
        },
        user: { password: 'hunter2', token: 'abc', email: 'a@example.com' },
        webhook: { secret: 'whsec_abc', url: 'https://example.com' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('abc');
    expect(text).not.toContain('hunter2');
    expect(lines[0]).toMatchObject({
      req: {
        headers: { authorization: '[Redacted]', cookie: '[Redacted]', accept: '*/*' },
        query: { access_token: '[Redacted]', limit: '5' },
      },
      user: { password: '[Redacted]', email: 'a@example.com' },
      webhook: { secret: '[Redacted]', url: 'https://example.com' },
    });
  });

  it('adds the request id of the work in progress to every line', () => {
    const lines: Record<string, unknown>[] = [];
    const log = logger(lines);
    log.info('outside');
    requestContext.run({ requestId: 'req-1' }, () => log.info('inside'));
    expect(lines[0]).not.toHaveProperty('requestId');
    expect(lines[1]).toMatchObject({ msg: 'inside', requestId: 'req-1' });
  });

  it('cuts tokens out of logged URLs', () => {
    expect(redactUrl('/admin/queues?access_token=abc&x=1')).toBe(
      '/admin/queues?access_token=[Redacted]&x=1',
    );
    expect(redactUrl('/items/product?limit=1')).toBe('/items/product?limit=1');
  });
});
