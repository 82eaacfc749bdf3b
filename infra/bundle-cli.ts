import type { AssetCopy } from './bundling.ts';
import { bundle } from './local-bundle.ts';

/** `bundleSync`'s child: builds one function as `bundle` does and prints what it built, as JSON. */
const [entry, outdir, assets] = process.argv.slice(2);
if (!entry || !outdir) throw new Error('usage: bundle-cli.ts <entry> <outdir> [assets as JSON]');
const built = await bundle(entry, outdir, JSON.parse(assets ?? '[]') as AssetCopy[]);
process.stdout.write(JSON.stringify(built));
