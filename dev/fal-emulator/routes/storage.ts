import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { filePath, uploadPath } from '../files.ts';
import { jsonResponse } from '../json.ts';
import { falAuth } from './auth.ts';
import { lifecycleTtlMs } from './headers.ts';

/** The rest API: storage upload (initiate + PUT) and the webhook JWKS. */
export function registerStorage(app: Hono<EmulatorEnv>, ctx: EmulatorContext, mediaTtlMs: number): void {
  app.get('/.well-known/jwks.json', () => jsonResponse(200, ctx.signer.jwks()));

  app.post('/storage/upload/initiate', falAuth(ctx.apiKey), async (c) => {
    let body: { content_type?: unknown; file_name?: unknown };
    try {
      body = (await c.req.json()) as typeof body;
    } catch {
      body = {};
    }
    const missing = (['content_type', 'file_name'] as const).filter((k) => typeof body[k] !== 'string');
    if (missing.length > 0) {
      const detail = missing.map((k) => ({
        loc: ['body', k],
        msg: 'field required',
        type: 'value_error.missing',
      }));
      return jsonResponse(422, { detail });
    }
    const ttl = lifecycleTtlMs(c.req.header('x-fal-object-lifecycle')) ?? mediaTtlMs;
    const file = ctx.files.initiateUpload(String(body.content_type), safeName(String(body.file_name)), ttl);
    const base = ctx.baseUrl();
    return jsonResponse(200, {
      upload_url: `${base}${uploadPath(file)}`,
      file_url: `${base}${filePath(file)}`,
    });
  });

  // The signed upload URL: public, one PUT of the raw bytes (the client sends no auth here).
  app.put('/storage/upload/put/:fileId', async (c) => {
    const file = ctx.files.get(c.req.param('fileId'));
    if (file?.source.kind !== 'upload') return jsonResponse(404, { detail: 'Upload not found' });
    const bytes = Buffer.from(await c.req.arrayBuffer());
    await ctx.files.storeUpload(file, bytes);
    ctx.stats.uploads += 1;
    ctx.log(`upload ${file.fileId}: ${bytes.length} bytes`);
    return c.body(null, 200);
  });
}

// The file name ends up in a URL path; keep it one segment.
function safeName(name: string): string {
  return name.replace(/[/\\]/g, '_') || 'upload.bin';
}
