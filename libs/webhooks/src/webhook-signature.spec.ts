import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"export.ready"}';

  it('is t=<timestamp>,v1=<HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret or an old one', () => {
    const now = 1_700_000_000;
    const header = signWebhook(secret, body, now);
    expect(verifyWebhook(secret, body, header, now + 10)).toBe(true);
    expect(verifyWebhook(secret, body.replace('e1', 'e2'), header, now)).toBe(false);
    expect(verifyWebhook('whsec_other', body, header, now)).toBe(false);
    expect(verifyWebhook(secret, body, header, now + 301)).toBe(false);
    expect(verifyWebhook(secret, body, undefined, now)).toBe(false);
    expect(verifyWebhook(secret, body, 't=abc,v1=00', now)).toBe(false);
  });

  it('makes a different, long secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
