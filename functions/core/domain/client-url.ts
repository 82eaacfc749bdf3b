import { BlockList, isIP } from 'node:net';
import { invalidRequest } from '../errors.ts';

/**
 * Address ranges a client-given URL may never point at: "this" network, private, shared (CGNAT),
 * loopback, link-local (where cloud metadata lives: 169.254.169.254, fd00:ec2::254 is unique-local),
 * benchmarking, multicast and reserved. BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against
 * the IPv4 rules itself; NAT64 (64:ff9b::/96), IPv4-compatible, Teredo and 6to4 addresses are refused
 * whole, since each can carry any IPv4 address.
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  // documentation (TEST-NET-1..3): never a real server, so a URL naming one is a probe
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  // IPv4-compatible (::a.b.c.d, deprecated), ::1 and :: among them
  ['::', 96],
  ['64:ff9b::', 96],
  // local-use NAT64, IPv4-translated (SIIT) and the deprecated site-local range
  ['64:ff9b:1::', 48],
  ['::ffff:0:0:0', 96],
  ['fec0::', 10],
  // Teredo and 6to4 embed an IPv4 address that may be private; documentation addresses are never real
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

/**
 * IPv4-mapped addresses (::ffff:0:0/96), refused whole when written as IPv6: a public one is still an
 * IPv4 target by the back door. Kept apart because BlockList matches plain IPv4 against this range too.
 */
const mapped = new BlockList();
mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i;
const LOOPBACK_NAMES = /^(localhost|.*\.localhost)$/i;

export interface UrlRules {
  /** The local stack's development setting: http, and loopback addresses and names, are allowed. */
  allowLocal: boolean;
}

/** Whether a literal IP address is one a client URL may point at. */
export function isAllowedAddress(address: string, rules: UrlRules): boolean {
  const family = isIP(address);
  if (!family) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (rules.allowLocal && loopback.check(address, type)) return true;
  if (type === 'ipv6' && mapped.check(address, type)) return false;
  return !forbidden.check(address, type);
}

/** A client URL checked for what can be seen without DNS: its scheme, and a literal address or local name. */
export interface ParsedClientUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** True when the host is a literal address (nothing to resolve). */
  literal: boolean;
}

/**
 * Characters that parsers read differently: WHATWG reads a backslash as `/` and drops tabs and newlines,
 * Python's urlsplit and curl do not. Refused outright (with spaces, controls and broken Unicode), so
 * the URL we check is the URL every fetcher sees.
 */
const AMBIGUOUS = /[\\\p{Cc}\p{Cs}\p{Zs}\p{Zl}\p{Zp}\u00ad\u200b-\u200f\ufeff]/u;

export const hasAmbiguousCharacters = (value: string): boolean => AMBIGUOUS.test(value);

/**
 * Checks a URL a client gave us: https (http too with `allowLocal`), no character parsers disagree
 * on, and not a literal address or name inside a private network. Names are resolved by the URL guard
 * (core/net/url-guard.ts). Callers forward `url.href`, the normalised form that was checked.
 */
export function parseClientUrl(value: string, param: string, rules: UrlRules): ParsedClientUrl {
  if (hasAmbiguousCharacters(value))
    throw invalidRequest(
      `${param} must not contain backslashes, spaces, control or invisible characters.`,
      param,
    );
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidRequest(`${param} must be a URL.`, param);
  }
  const schemes = rules.allowLocal ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw invalidRequest(`${param} must be an https URL.`, param);
  if (url.username || url.password) throw invalidRequest(`${param} must not carry credentials.`, param);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  const allowed = literal
    ? isAllowedAddress(host, rules)
    : !LOCAL_NAMES.test(host) || (rules.allowLocal && LOOPBACK_NAMES.test(host));
  if (!allowed) throw invalidRequest(`${param} must point to a public address.`, param);
  return { url, host, literal };
}

/** The synchronous part of the check, for callers that have no resolver; answers the normalised URL. */
export function checkClientUrl(value: string, param: string, rules: UrlRules): string {
  return parseClientUrl(value, param, rules).url.href;
}
