import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { VENDOR_FILES } from '../functions/api/web-assets.ts';

/** The repository root, found from this file so the app works from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda functions; each is `functions/<name>/handler.ts` exporting `handler`. */
export const FUNCTION_NAMES = [
  'api',
  'fal-webhook',
  'archiver',
  'follow-up',
  'event-deliverer',
  'reconciler',
  'event-stream',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export function handlerEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}

/** esbuild's target, kept in step with the Lambda runtime (nodejs24.x). */
export const BUNDLE_TARGET = 'node24';

/** ESM bundles of CommonJS dependencies still call `require` for Node built-ins: give them one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __reelayCreateRequire } from 'node:module'; const require = __reelayCreateRequire(import.meta.url);";

/**
 * How every function is bundled (infra/local-bundle.ts builds with exactly these, for the stack, the
 * bundle budget test and the cold-start benchmark). The AWS SDK v3 is bundled too (no externals), so
 * the deployed code runs the versions in package-lock.json rather than whatever the Lambda runtime
 * ships. Code splitting: what a function imports only dynamically (the X-Ray tracer when tracing is
 * on, the SDK's credential providers it does not use) goes to `chunks/`, so a cold start neither reads
 * nor compiles it (BENCHMARKS.md §1). The entry stays `index.mjs` (handler `index.handler`).
 * local-bundle.ts adds one plugin (bundle-plugins/routes-zod.ts: the API's routes get their own zod).
 */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLE_TARGET,
  minify: true,
  sourcemap: true,
  // stack traces map back through the .map files; the sources themselves need not ship
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: [],
  // @fal-ai/client (CommonJS, so not tree-shaken) loads msgpack for a realtime client Reelay never opens
  alias: { '@msgpack/msgpack': './infra/bundle-stubs/msgpack.ts' },
  banner: { js: ESM_REQUIRE_BANNER },
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** A file or folder copied into a function's bundle: `from` the repository root, `to` beside index.mjs. */
export interface AssetCopy {
  from: string;
  to: string;
}

/**
 * What the api function serves besides its code (functions/api/web-assets.ts): the studio's and the
 * reference's files, and the vendor files they load from node_modules. esbuild sees none of them.
 */
export function assetCopies(name: FunctionName): AssetCopy[] {
  if (name !== 'api') return [];
  return [
    { from: 'functions/api/web', to: 'web' },
    ...Object.entries(VENDOR_FILES).map(([file, path]) => ({
      from: `node_modules/${path}`,
      to: `web/vendor/${file}`,
    })),
  ];
}
