import { BlockList, isIP } from 'node:net';
import { invalidRequest } from '../errors.ts';

/**
 * Address ranges a client-given URL may never point at: private, loopback, link-local (cloud
 * metadata), CGNAT. BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the IPv4 rules itself.
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i;

/**
 * Checks a URL a client gave us (an image for fal to fetch): https, and not a literal address or
 * name inside a private network. Resolving names to catch DNS tricks is a later hardening step.
 */
export function checkClientUrl(value: string, param: string, options: { allowLocal: boolean }): string {
  const url = new URL(value);
  if (options.allowLocal) return value;
  if (url.protocol !== 'https:') throw invalidRequest(`${param} must be an https URL.`, param);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const blocked = family ? forbidden.check(host, family === 6 ? 'ipv6' : 'ipv4') : LOCAL_NAMES.test(host);
  if (blocked) throw invalidRequest(`${param} must point to a public address.`, param);
  return value;
}
