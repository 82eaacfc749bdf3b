import { Readable } from 'node:stream';

/** The media URL answered that the file is gone (fal's URLs expire): retrying the same URL cannot help. */
export class MediaGoneError extends Error {
  constructor(url: string, status: number) {
    super(`media at ${new URL(url).host} answered ${status}: the file is gone`);
    this.name = 'MediaGoneError';
  }
}

export interface MediaStream {
  body: Readable;
  contentLength?: number;
  contentType?: string;
}

/** Opens a download stream; the timeout bounds the wait for headers and stalls between chunks. */
export async function openMedia(
  url: string,
  options: { stallTimeoutMs?: number } = {},
): Promise<MediaStream> {
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
  let response: Response;
  try {
    response = await fetch(url, { signal: abort.signal, redirect: 'follow' });
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  if (response.status === 403 || response.status === 404 || response.status === 410) {
    clearTimeout(timer);
    throw new MediaGoneError(url, response.status);
  }
  if (!response.ok || !response.body) {
    clearTimeout(timer);
    throw new Error(`media download answered ${response.status}`);
  }
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', rearm);
  body.once('close', () => clearTimeout(timer));
  const length = response.headers.get('content-length');
  return {
    body,
    ...(length !== null && /^\d+$/.test(length) && { contentLength: Number(length) }),
    ...(response.headers.get('content-type') && {
      contentType: response.headers.get('content-type') ?? undefined,
    }),
  };
}
