import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isAllowedAddress, parseClientUrl, type UrlRules } from '../../domain/client-url.ts';
import { dnsResolver, type HostResolver } from '../../net/url-guard.ts';
import type { SendResult, WebhookSender } from '../webhook-sender.ts';

export interface HttpSenderOptions {
  rules: UrlRules;
  resolve?: HostResolver;
  timeoutMs: number;
  /** The most of a receiver's answer that is read: its body is never used, only drained a little. */
  maxResponseBytes?: number;
}

class RefusedAddressError extends Error {
  constructor(host: string) {
    super(`${host} resolves to an address that is not public`);
    this.name = 'RefusedAddressError';
  }
}

/**
 * The connection's own lookup: the host is resolved once, every answer must be public, and the
 * socket connects to a vetted answer, so DNS cannot change between the check and the connect.
 */
function guardedLookup(rules: UrlRules, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((address) => isAllowedAddress(address, rules))) {
          callback(new RefusedAddressError(hostname), '', 4);
          return;
        }
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) (callback as unknown as (e: null, a: typeof entries) => void)(null, entries);
        else callback(null, entries[0]?.address ?? '', entries[0]?.family ?? 4);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/** node:http(s) with the URL guard at send time, no redirects (a 3xx is an answer, i.e. a failure), a deadline and a small read. */
export function createHttpWebhookSender(options: HttpSenderOptions): WebhookSender {
  const { rules, resolve = dnsResolver, timeoutMs, maxResponseBytes = 4_096 } = options;
  const lookup = guardedLookup(rules, resolve);
  return (request) => {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    let url: URL;
    try {
      url = parseClientUrl(request.url, 'url', rules).url;
    } catch (error) {
      return Promise.resolve({ error: `refused: ${(error as Error).message}`, durationMs: 0 });
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((done) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done(result);
      };
      const outgoing = send(
        url,
        {
          method: 'POST',
          headers: {
            ...request.headers,
            'content-length': String(Buffer.byteLength(request.body)),
            'user-agent': 'Reelay-Webhooks/1',
          },
          lookup,
          agent: false,
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            // the answer's body is not used: stop reading once a few KB have come
            if (read > maxResponseBytes) {
              response.destroy();
              finish({ statusCode, durationMs: elapsed() });
            }
          });
          response.on('end', () => finish({ statusCode, durationMs: elapsed() }));
          response.on('error', () => finish({ statusCode, durationMs: elapsed() }));
        },
      );
      const timer = setTimeout(() => {
        outgoing.destroy();
        finish({ error: `timed out after ${timeoutMs} ms`, durationMs: elapsed() });
      }, timeoutMs);
      outgoing.on('error', (error) =>
        finish({
          error: error instanceof RefusedAddressError ? `refused: ${error.message}` : error.message,
          durationMs: elapsed(),
        }),
      );
      outgoing.end(request.body);
    });
  };
}
