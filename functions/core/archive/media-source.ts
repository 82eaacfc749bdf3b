import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { ADDRESS_REFUSED } from '../net/url-guard.ts';

/** The media URL answered that the file is gone (fal's URLs expire): retrying the same URL cannot help. */
export class MediaGoneError extends Error {
  constructor(url: string, status: number) {
    super(`media at ${new URL(url).host} answered ${status}: the file is gone`);
    this.name = 'MediaGoneError';
  }
}

/** A media URL (or a redirect) failed the host rule or the address check: fetching it can never be right. */
export class MediaRefusedError extends Error {
  constructor(url: string, reason: string) {
    super(`media URL refused (${url.slice(0, 200)}): ${reason}`);
    this.name = 'MediaRefusedError';
  }
}

/** Throws MediaRefusedError unless `url` may be fetched; run on the first URL and every redirect. */
export type MediaUrlCheck = (url: string) => Promise<void>;

/** Redirects followed at most; each is checked as the first URL was. */
const MAX_REDIRECTS = 5;

export interface MediaStream {
  body: Readable;
  contentLength?: number;
  contentType?: string;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** One GET through node:http(s), so the connection's address comes from `lookup` (no second resolve). */
function get(url: string, lookup: LookupFunction | undefined, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { signal, ...(lookup && { lookup }) }, (body) =>
      resolve({ status: body.statusCode ?? 0, headers: body.headers, body }),
    );
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === ADDRESS_REFUSED ? new MediaRefusedError(url, error.message) : error),
    );
    request.end();
  });
}

/** Follows redirects by hand, checking each location before anything is sent to it. */
async function getChecked(url: string, options: MediaOptions, signal: AbortSignal): Promise<Answer> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await options.check(current);
    const answer = await get(current, options.lookup, signal);
    const { location } = answer.headers;
    if (answer.status < 300 || answer.status > 399 || location === undefined) return answer;
    answer.body.resume();
    if (hop === MAX_REDIRECTS) throw new Error(`media redirected more than ${MAX_REDIRECTS} times`);
    current = new URL(location, current).href;
  }
}

export interface MediaOptions {
  /** Judges the URL and every redirect before anything is sent (host rules, literal addresses). */
  check: MediaUrlCheck;
  /** Resolves names and vets the addresses connected to (core/net/url-guard.ts guardedLookup). */
  lookup?: LookupFunction;
  stallTimeoutMs?: number;
}

/**
 * Opens a download stream of a URL `check` allows (redirects included), connecting only to addresses
 * `lookup` vetted; the timeout bounds the wait for headers and stalls between chunks.
 */
export async function openMedia(url: string, options: MediaOptions): Promise<MediaStream> {
  const stallMs = options.stallTimeoutMs ?? 30_000;
  const abort = new AbortController();
  let timer = setTimeout(
    () => abort.abort(new Error(`no data from ${new URL(url).host} for ${stallMs} ms`)),
    stallMs,
  );
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`download stalled for ${stallMs} ms`)), stallMs);
  };
  let answer: Answer;
  try {
    answer = await getChecked(url, options, abort.signal);
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  const { status, headers, body } = answer;
  if (status === 403 || status === 404 || status === 410) {
    clearTimeout(timer);
    body.resume();
    throw new MediaGoneError(url, status);
  }
  if (status < 200 || status > 299) {
    clearTimeout(timer);
    body.resume();
    throw new Error(`media download answered ${status}`);
  }
  body.on('data', rearm);
  body.once('close', () => clearTimeout(timer));
  const length = headers['content-length'];
  const type = headers['content-type'];
  return {
    body,
    ...(length !== undefined && /^\d+$/.test(length) && { contentLength: Number(length) }),
    ...(type && { contentType: type }),
  };
}
