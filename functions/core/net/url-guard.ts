import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { callTimeoutMs } from '../deadline.ts';
import { isAllowedAddress, parseClientUrl, type UrlRules } from '../domain/client-url.ts';
import { invalidRequest } from '../errors.ts';

/** Every address a host name resolves to (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const dnsResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Checks a client URL, resolving its host: answers the normalised URL to forward, or throws a 400 naming `param`. */
export type UrlGuard = (value: string, param: string) => Promise<string>;

/**
 * The SSRF guard for URLs clients give us. Every address the host resolves to must be public (one
 * private answer among public ones is enough to refuse: a resolver may hand out either). Reelay never
 * fetches these URLs itself (fal fetches images from its own network; client callbacks are stored, not
 * yet delivered), so there are no redirects of ours to follow; a deliverer must re-check at send time
 * and follow no redirect unchecked, since DNS can change after this check.
 */
export function createUrlGuard(
  rules: UrlRules,
  resolve: HostResolver = dnsResolver,
  timeoutMs = 3_000,
): UrlGuard {
  return async function guardUrl(value, param) {
    const { url, host, literal } = parseClientUrl(value, param, rules);
    if (literal) return url.href;
    let addresses: string[];
    try {
      addresses = await Promise.race([
        resolve(host),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('DNS timeout')), callTimeoutMs(timeoutMs)).unref(),
        ),
      ]);
    } catch {
      throw invalidRequest(`${param}'s host could not be resolved.`, param);
    }
    if (addresses.length === 0) throw invalidRequest(`${param}'s host could not be resolved.`, param);
    if (!addresses.every((address) => isAllowedAddress(address, rules))) {
      throw invalidRequest(`${param} must point to a public address.`, param);
    }
    return url.href;
  };
}

/** The error code a guarded lookup fails with when a name resolves to an address it refuses. */
export const ADDRESS_REFUSED = 'EADDRESS_REFUSED';

/**
 * A `lookup` for node:http(s) that resolves a name, refuses it unless every address passes the same
 * rules as client URLs, and connects to a vetted address: the check and the connection use one
 * answer, so DNS rebinding between them is impossible. Literal addresses never reach a lookup.
 */
export function guardedLookup(rules: UrlRules, resolve: HostResolver = dnsResolver): LookupFunction {
  return (hostname, options, callback) => {
    const fail = (message: string, code: string) =>
      callback(Object.assign(new Error(message), { code }), '', 0);
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return fail(`${hostname} has no address`, 'ENOTFOUND');
        if (!addresses.every((address) => isAllowedAddress(address, rules)))
          return fail(`${hostname} resolves to an address that is not public`, ADDRESS_REFUSED);
        const entries = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !options.family || entry.family === options.family);
        const [first] = entries;
        if (!first) return fail(`${hostname} has no IPv${options.family} address`, 'ENOTFOUND');
        if (options.all) return callback(null, entries);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
