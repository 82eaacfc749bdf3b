import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
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
 * How every function is bundled. The AWS SDK v3 is bundled too (no externals), so the deployed
 * code runs the versions in package-lock.json rather than whatever the Lambda runtime ships;
 * the bundle budget test shows this stays well under 1.5 MB per function.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: BUNDLE_TARGET,
  minify: true,
  sourceMap: true,
  // stack traces map back through the .map file; the sources themselves need not ship
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: [],
  banner: ESM_REQUIRE_BANNER,
};

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

/** BUNDLING, plus a hook that copies the function's assets into the bundle (the api function's pages). */
export function bundlingFor(name: FunctionName): BundlingOptions {
  const copies = assetCopies(name);
  if (copies.length === 0) return BUNDLING;
  return {
    ...BUNDLING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) =>
        copies.map(({ from, to }) => {
          const target = join(outputDir, to);
          return `mkdir -p "${dirname(target)}" && cp -R "${join(inputDir, from)}" "${target}"`;
        }),
    },
  };
}
