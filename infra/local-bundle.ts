import { cpSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type AssetCopy, BUNDLING, REPO_ROOT } from './bundling.ts';

export interface Bundle {
  file: string;
  raw: number;
  gzip: number;
}

/**
 * Builds `entry` outside CDK with the options the stack gives NodejsFunction (bundling.ts), and copies
 * the function's assets beside it as the stack's hook does: what the bundle budget test and the
 * cold-start benchmark measure is what deploys.
 */
export async function bundle(entry: string, outfile: string, assets: AssetCopy[] = []): Promise<Bundle> {
  await build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: BUNDLING.mainFields,
    external: BUNDLING.externalModules,
    banner: BUNDLING.banner ? { js: BUNDLING.banner } : undefined,
    outfile,
    logLevel: 'silent',
  });
  for (const { from, to } of assets)
    cpSync(join(REPO_ROOT, from), join(dirname(outfile), to), { recursive: true });
  return { file: outfile, raw: statSync(outfile).size, gzip: gzipSync(readFileSync(outfile)).length };
}
