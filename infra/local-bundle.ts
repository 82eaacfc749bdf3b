import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, type BuildResult, build, type Metafile } from 'esbuild';
import { routesZod } from './bundle-plugins/routes-zod.ts';
import { type AssetCopy, BUNDLING, REPO_ROOT } from './bundling.ts';

export interface Bundle {
  /** The entry, `<outdir>/index.mjs`. */
  file: string;
  /** Bytes a cold start reads and compiles: index.mjs and the chunks it imports statically. */
  raw: number;
  gzip: number;
  /** Bytes of every .mjs file in the asset, the chunks only loaded on demand included. */
  totalRaw: number;
  /** The chunks loaded at init (paths relative to outdir), beside index.mjs. */
  initChunks: string[];
  /** The chunks loaded only by a dynamic import (relative to outdir). */
  lazyChunks: string[];
}

/**
 * Builds `entry` into `outdir` with the stack's options (bundling.ts) and copies the function's assets
 * beside it: the stack (infra/constructs/reelay-function.ts), the bundle budget test and the cold-start
 * benchmark all build through here, so what they measure is what deploys.
 */
export async function bundle(entry: string, outdir: string, assets: AssetCopy[] = []): Promise<Bundle> {
  rmSync(outdir, { recursive: true, force: true });
  return finish(await build(options(entry, outdir)), outdir, assets);
}

/**
 * The same, synchronously: CDK's local bundling hook cannot wait for a promise, and esbuild's
 * synchronous API runs no plugins, so this runs `bundle` in a child process (infra/bundle-cli.ts) and
 * waits for it.
 */
export function bundleSync(entry: string, outdir: string, assets: AssetCopy[] = []): Bundle {
  const cli = fileURLToPath(new URL('./bundle-cli.ts', import.meta.url));
  const printed = execFileSync(
    process.execPath,
    ['--import', 'tsx', cli, entry, outdir, JSON.stringify(assets)],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(printed) as Bundle;
}

function options(entry: string, outdir: string): BuildOptions {
  return { ...BUNDLING, entryPoints: [entry], absWorkingDir: REPO_ROOT, outdir, plugins: [routesZod] };
}

function finish(result: BuildResult, outdir: string, assets: AssetCopy[]): Bundle {
  for (const { from, to } of assets) cpSync(join(REPO_ROOT, from), join(outdir, to), { recursive: true });
  const metafile = result.metafile as Metafile;
  const outputs = metafile.outputs;
  const scripts = Object.keys(outputs).filter((path) => path.endsWith('.mjs'));
  // metafile paths are relative to the working directory; chunks loaded by import() are entry points too
  const entry = relative(REPO_ROOT, join(outdir, 'index.mjs'));
  // what the entry pulls in with `import` statements, transitively: all of it is read at init
  const init = new Set<string>([entry]);
  for (const path of init)
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) init.add(imported.path);
  const initCode = [...init].map((path) => readFileSync(join(REPO_ROOT, path)));
  const chunkName = (path: string) => relative(outdir, join(REPO_ROOT, path));
  return {
    file: join(REPO_ROOT, entry),
    raw: initCode.reduce((sum, code) => sum + code.length, 0),
    gzip: initCode.reduce((sum, code) => sum + gzipSync(code).length, 0),
    totalRaw: scripts.reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0),
    initChunks: [...init].filter((path) => path !== entry).map(chunkName),
    lazyChunks: scripts.filter((path) => !init.has(path)).map(chunkName),
  };
}
