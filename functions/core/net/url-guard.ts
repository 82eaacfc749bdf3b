import { lookup } from 'node:dns/promises';
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
          setTimeout(() => reject(new Error('DNS timeout')), timeoutMs).unref(),
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
