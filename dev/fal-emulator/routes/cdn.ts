import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import type { CdnMode } from '../faults/schema.ts';
import { layoutChunks, layoutStream, type MediaLayout } from '../media.ts';
import type { FileRecord } from '../types.ts';

// About 64 KB/s: slow enough to trip a download timeout, fast enough for a test.
const SLOW = { chunkSize: 16 * 1024, chunkDelayMs: 250 };

// Expired and unknown files answer alike; a CDN does not remember what it deleted.
const notFound = () => new Response('Not Found', { status: 404, headers: { 'Content-Type': 'text/plain' } });

/** The CDN: public GETs of outputs and uploads, with expiry, ranges and the `cdn` faults. */
export function registerCdn(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get('/files/:fileId/:name', async (c) => {
    const head = c.req.method === 'HEAD';
    if (!head) ctx.stats.cdnDownloads += 1;
    const file = ctx.files.get(c.req.param('fileId'));
    if (!file || file.fileName !== c.req.param('name')) return notFound();
    const fault = head ? undefined : takeCdnFault(ctx, file);
    if (fault) ctx.log(`cdn ${file.fileId}: ${fault} (fault)`);
    if (fault === 'expired' || ctx.files.isExpired(file)) return notFound();
    if (fault === 'error_500') {
      return new Response('Internal Server Error', {
        status: 500,
        headers: { 'Content-Type': 'text/plain' },
      });
    }
    const layout = await ctx.files.layout(file);
    if (!layout) return notFound();

    const range = parseRange(c.req.header('range'), layout.size);
    if (range === 'unsatisfiable') {
      return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${layout.size}` } });
    }
    const [start, end] = range ?? [0, layout.size];
    const headers: Record<string, string> = {
      'Content-Type': file.contentType,
      'Content-Length': String(end - start),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'public, max-age=31536000, immutable',
    };
    if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${layout.size}`;
    const status = range ? 206 : 200;
    if (head) return new Response(null, { status, headers });

    const outgoing = c.env?.outgoing;
    if (fault === 'truncate' && outgoing) {
      await sendTruncated(outgoing, status, headers, layout, start, end);
      return RESPONSE_ALREADY_SENT;
    }
    return new Response(layoutStream(layout, start, end, fault === 'slow' ? SLOW : {}), { status, headers });
  });
}

// Directive faults bound to the request come first, then the shared queue (matched on the request).
function takeCdnFault(ctx: EmulatorContext, file: FileRecord): CdnMode | undefined {
  const record = file.source.kind === 'output' ? ctx.queue.get(file.source.requestId) : undefined;
  const bound = record?.faults.cdn.shift();
  if (bound) {
    ctx.save();
    return bound;
  }
  const context = record ? { endpointId: record.endpointId, prompt: record.prompt } : {};
  return ctx.faults.take('cdn', context)?.mode;
}

/** A correct Content-Length, half the bytes, then the socket is destroyed. */
async function sendTruncated(
  out: ServerResponse,
  status: number,
  headers: Record<string, string>,
  layout: MediaLayout,
  start: number,
  end: number,
): Promise<void> {
  out.writeHead(status, headers);
  const half = start + Math.floor((end - start) / 2);
  for (const chunk of layoutChunks(layout, start, half, 64 * 1024)) {
    if (out.destroyed) return;
    if (!out.write(chunk)) await drainedOrClosed(out);
  }
  // Wait until the half is handed to the socket, so the client really receives it before the cut.
  await new Promise<void>((resolve) => out.write(Buffer.alloc(0), () => resolve()));
  out.destroy();
}

// Waits for backpressure to clear (or the client to leave), without piling up listeners.
function drainedOrClosed(out: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/** A single `bytes=` range as [start, end); null for none or multi-range (served whole). */
function parseRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Math.min(Number(to), size);
    return suffix === 0 ? 'unsatisfiable' : [size - suffix, size];
  }
  const start = Number(from);
  const end = to === '' ? size : Math.min(Number(to) + 1, size);
  return start >= size || end <= start ? 'unsatisfiable' : [start, end];
}
