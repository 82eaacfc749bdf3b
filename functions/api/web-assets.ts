import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Browser files the API serves under /assets/: the studio and the reference (web/), and the few files
 * of npm packages they load (vendor/). No CDN: the pages work offline under `default-src 'self'`.
 */
/** Name under /assets/vendor/ → path under node_modules/. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  'htm-preact.js': 'htm/preact/standalone.module.js',
  'swagger-ui-bundle.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
};

/** The folder of web/ files, next to this module from source and next to index.mjs in the bundle (infra/bundling.ts copies it). */
export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface WebAsset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** Where a vendor file is: copied into web/vendor/ in the bundle, in the repository's node_modules from source. */
function vendorPath(name: string, path: string): string {
  const copied = join(WEB_DIR, 'vendor', name);
  return existsSync(copied) ? copied : fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));
}

function listWebFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (TYPES[extname(entry.name)]) files.set(relative(dir, path).split(sep).join('/'), path);
    }
  };
  walk(dir);
  for (const [name, spec] of Object.entries(VENDOR_FILES))
    files.set(`vendor/${name}`, vendorPath(name, spec));
  return files;
}

/**
 * Serves files by their name under web/ (e.g. `studio/app.js`, `vendor/htm-preact.js`). Only files
 * listed at start are known, so a request path never reaches the file system; each is read and
 * compressed once, on first use.
 */
export function createWebAssets(dir = WEB_DIR) {
  const files = listWebFiles(dir);
  const cache = new Map<string, WebAsset>();
  return {
    names: (): string[] => [...files.keys()],
    get(name: string): WebAsset | undefined {
      const cached = cache.get(name);
      if (cached) return cached;
      const path = files.get(name);
      if (!path) return undefined;
      const body = new Uint8Array(readFileSync(path));
      const asset: WebAsset = {
        body,
        gzip: new Uint8Array(gzipSync(body)),
        type: TYPES[extname(path)] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      };
      cache.set(name, asset);
      return asset;
    },
  };
}

export type WebAssets = ReturnType<typeof createWebAssets>;
