import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ImportKind, Plugin } from 'esbuild';

/** The API's route modules: their zod is classic zod, loaded with them on the first /v1 request. */
const ROUTES = /\/functions\/api\//;
const ZOD_FAMILY = /^(zod|@hono\/zod-openapi|@asteasolutions\/zod-to-openapi)(\/|$)/;
const NAMESPACE = 'routes-zod';

/**
 * Gives the API's routes their own copy of zod's files. The config validates with zod/mini at init,
 * and esbuild puts a file both the init and a lazy chunk reach into a chunk loaded at init, whole
 * with what classic zod keeps alive there (its locales, JSON Schema, the JIT): about 25 ms of the API's
 * cold start (BENCHMARKS.md §1). With a copy, init keeps its tree-shaken zod/mini; the two never meet
 * (the routes share no schema or ZodError with the config).
 */
export const routesZod: Plugin = {
  name: 'routes-zod',
  setup(build) {
    const copy = async (path: string, resolveDir: string, kind: ImportKind) => {
      const resolved = await build.resolve(path, { resolveDir, kind });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return resolved.external ? resolved : { path: resolved.path, namespace: NAMESPACE };
    };
    // a route module's import of zod or of the packages built on it starts the copy
    build.onResolve({ filter: ZOD_FAMILY }, (args) =>
      args.namespace === 'file' && ROUTES.test(args.importer)
        ? copy(args.path, args.resolveDir, args.kind)
        : undefined,
    );
    // within the copy: zod's own files and the zod-family packages stay in it; anything else is shared
    build.onResolve({ filter: /.*/, namespace: NAMESPACE }, (args) =>
      args.path.startsWith('.') || ZOD_FAMILY.test(args.path)
        ? copy(args.path, args.resolveDir, args.kind)
        : build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind }),
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};
