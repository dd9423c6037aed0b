import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Where webhooks may point, from the environment (see AppConfig). */
export interface WebhookUrlPolicy {
  production: boolean;
  allowPrivate: boolean;
}

export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Addresses a webhook must not reach: private, loopback, link-local, and the other special ones. */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

/** `::ffff:10.0.0.1` is 10.0.0.1. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : address;
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

export function isLoopbackAddress(address: string): boolean {
  const a = unmapped(address);
  return loopback.check(a, family(a));
}

export function isInternalAddress(address: string): boolean {
  const a = unmapped(address);
  return internal.check(a, family(a));
}

/**
 * Why a webhook may not be sent to `raw`, or null when it may. No SSRF through webhooks: in
 * production only https, and never to loopback, private or link-local addresses (every address
 * the host resolves to is checked) unless the policy allows private URLs; in development http is
 * also allowed, to loopback only, so that a developer can try a local receiver. Checked when a
 * webhook is written and again before each delivery (DNS may have changed).
 */
export async function webhookUrlProblem(
  raw: string,
  policy: WebhookUrlPolicy,
  resolve: ResolveHost = resolveWithDns,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return `its host "${host}" does not resolve`;
  }
  if (addresses.length === 0) return `its host "${host}" does not resolve`;
  const allLoopback = addresses.every(isLoopbackAddress);
  if (url.protocol === 'http:') {
    const httpAllowed = !policy.production && (allLoopback || policy.allowPrivate);
    if (!httpAllowed) return 'must be an https URL';
  }
  if (policy.allowPrivate) return null;
  if (!policy.production && allLoopback) return null;
  if (addresses.some(isInternalAddress)) {
    return 'must not point at a private, loopback or link-local address';
  }
  return null;
}
