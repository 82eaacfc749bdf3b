import type { Context } from 'hono';
import { Hono } from 'hono';
import { notFound } from '../../core/errors.ts';
import { pageSecurityHeaders } from '../csp.ts';
import type { WebAssets } from '../web-assets.ts';

/** The studio at `/`, the API reference at `/docs`, and the files both load from `/assets/`. */
export function pageRoutes(assets: WebAssets, csp: string) {
  const security = pageSecurityHeaders(csp);
  const serve = (c: Context, name: string, cacheControl: string) => {
    const asset = assets.get(name);
    if (!asset) throw notFound(`File ${c.req.path}`);
    const headers: Record<string, string> = {
      ...security,
      'Content-Type': asset.type,
      'Cache-Control': cacheControl,
      ETag: asset.etag,
      Vary: 'Accept-Encoding',
    };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    // API Gateway does not compress: the reference's script shrinks from 1.7 MB to about 0.5 MB
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(asset.gzip, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(asset.body, 200, headers);
  };

  const app = new Hono();
  // pages are revalidated on every load so a deploy shows at once; their files may be reused for a while
  app.get('/', (c) => serve(c, 'studio/index.html', 'no-cache'));
  app.get('/docs', (c) => serve(c, 'docs/index.html', 'no-cache'));
  app.get('/assets/*', (c) => serve(c, c.req.path.slice('/assets/'.length), 'public, max-age=300'));
  return app;
}
