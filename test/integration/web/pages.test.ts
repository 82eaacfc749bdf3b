import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../../functions/api/app.ts';
import { WEB_DIR } from '../../../functions/api/web-assets.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );

describe('the studio at / and the reference at /docs', () => {
  it.each(['/', '/docs'])(
    '%s is HTML under a strict Content-Security-Policy that forbids framing',
    async (path) => {
      const response = await stack.api(path, { key: null });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = directives(response.headers.get('content-security-policy') ?? '');
      expect(csp['default-src']).toEqual(["'none'"]);
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['style-src']).toEqual(["'self'"]);
      expect(csp['connect-src']).toEqual(["'self'"]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(csp['base-uri']).toEqual(["'none'"]);
      // the video plays from the presigned URL: locally s3rver on loopback http
      const s3 = new URL(stack.deps.config.endpoints.s3 as string).origin;
      expect(s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(csp['media-src']).toEqual(["'self'", 'blob:', s3]);
      expect(JSON.stringify(csp)).not.toMatch(/unsafe|\*|https?:\/\/(?!127\.0\.0\.1)/);
    },
  );

  it("on AWS, allows media from the bucket's own https hosts and nothing else", async () => {
    const config = {
      ...stack.deps.config,
      endpoints: {},
      videoBucket: 'reelay-videos-123',
      region: 'eu-west-1',
    };
    const app = createApiApp({ ...stack.deps, config });
    const csp = directives((await app.request('/')).headers.get('content-security-policy') ?? '');
    expect(csp['media-src']).toEqual([
      "'self'",
      'blob:',
      'https://reelay-videos-123.s3.eu-west-1.amazonaws.com',
      'https://reelay-videos-123.s3.amazonaws.com',
    ]);
  });

  it('has no inline script, inline style or inline event handler in any of its HTML', () => {
    const html = ['studio/index.html', 'docs/index.html'].map((file) =>
      readFileSync(join(WEB_DIR, file), 'utf8'),
    );
    for (const page of html) {
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      // every script and stylesheet comes from this server
      for (const [, url] of page.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/(?!\/)/);
    }
  });

  it('loads its JavaScript only from /assets/ of this server (no CDN, no bare imports)', () => {
    const files = readdirSync(join(WEB_DIR, 'studio')).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) {
      const code = readFileSync(join(WEB_DIR, 'studio', file), 'utf8');
      for (const [, from] of code.matchAll(/from '([^']+)'/g)) expect(from).toMatch(/^(\.\/|\/assets\/)/);
      expect(code).not.toMatch(/https?:\/\/\w/);
    }
  });
});

describe('/assets/', () => {
  it('serves the studio, its UI library and the reference with types, ETags and gzip', async () => {
    for (const [path, type] of [
      ['/assets/studio/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/studio/studio.css', 'text/css; charset=utf-8'],
      ['/assets/vendor/htm-preact.js', 'text/javascript; charset=utf-8'],
      ['/assets/vendor/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['/assets/vendor/swagger-ui.css', 'text/css; charset=utf-8'],
    ] as const) {
      const plain = await stack.api(path, { key: null, headers: { 'accept-encoding': 'identity' } });
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get('content-type')).toBe(type);
      expect(plain.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const body = Buffer.from(await plain.arrayBuffer());
      const etag = plain.headers.get('etag') as string;
      expect(etag).toMatch(/^"[\w-]{22}"$/);

      const zipped = await stack.api(path, { key: null, headers: { 'accept-encoding': 'gzip, br' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      // fetch inflates it again: the same bytes arrive
      expect(Buffer.from(await zipped.arrayBuffer()).equals(body)).toBe(true);

      const again = await stack.api(path, { key: null, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
    const vendor = await stack.api('/assets/vendor/htm-preact.js', { key: null });
    expect(await vendor.text()).toContain('useState');
  });

  it.each([
    '/assets/web-assets.ts',
    '/assets/studio/nothing.js',
    '/assets/..%2f..%2fpackage.json',
    '/assets/vendor/',
    '/assets/',
  ])('%s is a 404 in the error envelope', async (path) => {
    const response = await stack.api(path, { key: null });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatchObject({ code: 'not_found' });
  });
});
