import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCopies, FUNCTION_NAMES, type FunctionName, handlerEntry } from '../../infra/bundling.ts';
import { type Bundle, bundle } from '../../infra/local-bundle.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Per-function ceiling on what a cold start reads (index.mjs and the chunks it imports statically),
 * source maps excluded: about 3 % above the printed sizes. Tighten from them; a function's cold start
 * grows with its bytes (BENCHMARKS.md §1).
 */
const BUDGET_BYTES: Record<FunctionName, number> = {
  api: 447_000,
  'fal-webhook': 418_000,
  archiver: 569_000,
  'follow-up': 409_000,
  'event-deliverer': 436_000,
  reconciler: 408_000,
  'event-stream': 361_000,
};

type Measured = Bundle;

const outdir = mkdtempSync(join(tmpdir(), 'reelay-bundles-'));
const sizes = {} as Record<FunctionName, Measured>;

/** Builds one handler as the stack does (infra/local-bundle.ts, with infra/bundling.ts's options). */
function bundleFunction(name: FunctionName): Promise<Measured> {
  return bundle(handlerEntry(name), join(outdir, name), assetCopies(name));
}

beforeAll(async () => {
  const built = await Promise.all(
    FUNCTION_NAMES.map(async (name) => [name, await bundleFunction(name)] as const),
  );
  for (const [name, measured] of built) sizes[name] = measured;
  const size = (bytes: number) =>
    `${bytes.toLocaleString('en')} B (${(bytes / 1024).toFixed(0)} KiB)`.padStart(22);
  console.log(
    [
      'bundle sizes:',
      ...FUNCTION_NAMES.map(
        (n) =>
          `  ${n.padEnd(15)} ${size(sizes[n].raw)} at init ${size(sizes[n].gzip)} gzip, budget ${size(BUDGET_BYTES[n])}; ${size(sizes[n].totalRaw)} with its lazy chunks`,
      ),
    ].join('\n'),
  );
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Every source file in the function's code: index.mjs and all its chunks, by their source maps. */
function sourcesOf(
  name: FunctionName,
  chunks = [...sizes[name].initChunks, ...sizes[name].lazyChunks],
): string[] {
  return ['index.mjs', ...chunks].flatMap(
    (file) =>
      (JSON.parse(readFileSync(join(outdir, name, `${file}.map`), 'utf8')) as { sources: string[] }).sources,
  );
}

/** Packages a function must not bundle: each wires only its own adapters (functions/<name>/wiring.ts). */
const NOT_WIRED: Record<FunctionName, string[]> = {
  api: [],
  'fal-webhook': [
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    '@fal-ai/client',
    '@aws-sdk/client-secrets-manager',
    '@hono/zod-openapi',
  ],
  archiver: ['hono', '@hono/zod-openapi'],
  'follow-up': ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'hono', '@hono/zod-openapi'],
  reconciler: ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'hono', '@hono/zod-openapi'],
  'event-deliverer': [],
  'event-stream': [
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    '@fal-ai/client',
    'hono',
    '@hono/zod-openapi',
  ],
};

describe('bundle budget', () => {
  it.each(FUNCTION_NAMES)('%s bundles only the adapters it wires', (name) => {
    const sources = sourcesOf(name);
    const packages = new Set(
      sources.map((source) => source.match(/node_modules\/((@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean),
    );
    expect(packages.size).toBeGreaterThan(3);
    // fal's realtime codec is never used (infra/bundle-stubs/msgpack.ts stands in)
    expect(packages).not.toContain('@msgpack/msgpack');
    for (const unwanted of NOT_WIRED[name])
      expect(packages, `${name} bundles ${unwanted}`).not.toContain(unwanted);
  });

  /** Packages a function uses only on some calls: in a chunk it loads on the first, not at init. */
  const ON_FIRST_USE: Partial<Record<FunctionName, string[]>> = {
    api: [
      '@aws-sdk/client-s3',
      '@aws-sdk/lib-storage',
      '@fal-ai/client',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/client-apigatewaymanagementapi',
    ],
    reconciler: ['@fal-ai/client', '@aws-sdk/client-secrets-manager'],
    'follow-up': ['@fal-ai/client', '@aws-sdk/client-secrets-manager'],
    archiver: ['@fal-ai/client', '@aws-sdk/client-secrets-manager'],
    'event-deliverer': ['@aws-sdk/client-s3', '@fal-ai/client', '@aws-sdk/client-apigatewaymanagementapi'],
  };
  const packagesIn = (sources: string[]) =>
    new Set(sources.map((source) => source.match(/node_modules\/((@[^/]+\/)?[^/]+)\//)?.[1]));

  it.each(Object.keys(ON_FIRST_USE) as FunctionName[])(
    '%s loads the adapters it calls only sometimes on their first call, not at init',
    (name) => {
      const atInit = packagesIn(sourcesOf(name, sizes[name].initChunks));
      const inAll = packagesIn(sourcesOf(name));
      for (const lazy of ON_FIRST_USE[name] ?? []) {
        expect(atInit, `${name} reads ${lazy} at init`).not.toContain(lazy);
        expect(inAll, `${name} ships ${lazy}`).toContain(lazy);
      }
    },
  );

  it.each(FUNCTION_NAMES)('%s stays under the budget', (name) => {
    expect(sizes[name].raw).toBeLessThan(BUDGET_BYTES[name]);
  });

  it.each(FUNCTION_NAMES.filter((name) => name !== 'api'))(
    '%s validates with zod/mini only: classic zod stays in the API, which serves OpenAPI from it',
    (name) => {
      const sources = sourcesOf(name);
      expect(sources.filter((source) => source.includes('node_modules/zod/v4/classic/'))).toEqual([]);
      expect(sources.some((source) => source.includes('node_modules/zod/v4/mini/'))).toBe(true);
    },
  );

  // it runs without a request deadline (BENCHMARKS.md §2): its calls keep their own limits alone
  it('fal-webhook sets no request deadline: none of its modules calls withDeadline', () => {
    const settingDeadlines = (name: FunctionName) =>
      [
        ...new Set(
          sourcesOf(name)
            .filter((source) => !source.includes('node_modules/') && source.includes('functions/'))
            .map((source) => source.slice(source.indexOf('functions/'))),
        ),
      ].filter(
        (path) =>
          path !== 'functions/core/deadline.ts' &&
          readFileSync(join(REPO, path), 'utf8').includes('withDeadline('),
      );
    expect(settingDeadlines('fal-webhook')).toEqual([]);
    expect(settingDeadlines('api')).toContain('functions/core/http/deadline.ts');
    expect(settingDeadlines('follow-up')).toContain('functions/follow-up/worker.ts');
  });

  it('api builds its /v1 routes on first use: their schemas, classic zod and @hono/zod-openapi are lazy chunks', () => {
    const lazyOnly =
      /node_modules\/(zod\/v4\/classic|@hono\/zod-openapi|@asteasolutions)\/|functions\/api\/(routes\/(?!pages)|v1-routes|openapi-)/;
    expect(sourcesOf('api', sizes.api.initChunks).filter((source) => lazyOnly.test(source))).toEqual([]);
    expect(sourcesOf('api').some((source) => source.includes('functions/api/routes/videos.ts'))).toBe(true);
    expect(sourcesOf('api').some((source) => source.includes('node_modules/zod/v4/classic/'))).toBe(true);
  });

  it("api's init keeps zod/mini's tree-shaken core: the routes' classic zod has its own copy (infra/bundle-plugins)", () => {
    const initZod = sourcesOf('api', sizes.api.initChunks).filter((source) =>
      source.includes('node_modules/zod/'),
    );
    expect(initZod.some((source) => source.includes('node_modules/zod/v4/mini/'))).toBe(true);
    // what only classic zod keeps alive: the other locales, JSON Schema output
    expect(initZod.filter((source) => /locales\/(?!en\.js)|json-schema/.test(source))).toEqual([]);
  });

  it('api loads its /v1 routes from their chunk to serve the OpenAPI document', async () => {
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(sizes.api.file).href)});
      const path = '/openapi.json';
      const r = await handler({
        version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: '', isBase64Encoded: false,
        headers: { host: 'example.execute-api.eu-west-1.amazonaws.com' },
        requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
          domainName: 'example.execute-api.eu-west-1.amazonaws.com', stage: '$default', requestId: 'r', routeKey: 'GET ' + path },
      }, {});
      console.log(JSON.stringify([r.statusCode, Object.keys(JSON.parse(r.body).paths)]));`;
    const { stdout } = await runBundled(script);
    const [status, paths] = JSON.parse(stdout) as [number, string[]];
    expect(status).toBe(200);
    expect(paths).toEqual(expect.arrayContaining(['/healthz', '/v1/videos', '/v1/videos/{video_id}']));
  });

  it.each(FUNCTION_NAMES)(
    '%s is index.mjs and its chunks, each minified ESM with a createRequire banner and a source map',
    (name) => {
      for (const file of ['index.mjs', ...sizes[name].initChunks, ...sizes[name].lazyChunks]) {
        const code = readFileSync(join(outdir, name, file), 'utf8');
        expect(code.startsWith("import { createRequire as __reelayCreateRequire } from 'node:module';")).toBe(
          true,
        );
        expect(code.trimEnd().endsWith(`//# sourceMappingURL=${file.split('/').pop()}.map`)).toBe(true);
        // minified: a few hundred long lines, not tens of thousands
        expect(code.split('\n').length).toBeLessThan(2_000);
        const map = JSON.parse(readFileSync(join(outdir, name, `${file}.map`), 'utf8'));
        expect(map.sourcesContent).toBeUndefined();
      }
      expect(sourcesOf(name, []).some((source) => source.endsWith(`functions/${name}/handler.ts`))).toBe(
        true,
      );
    },
  );

  it.each(FUNCTION_NAMES)(
    '%s keeps the X-Ray SDK and the Tracer out of what a cold start reads: they load only when tracing is on',
    (name) => {
      const tracing = /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer|cls-hooked|semver)\//;
      expect(sourcesOf(name, sizes[name].initChunks).filter((source) => tracing.test(source))).toEqual([]);
      expect(sourcesOf(name).some((source) => tracing.test(source))).toBe(true);
    },
  );

  it.each(FUNCTION_NAMES)(
    '%s starts untraced without its lazy chunks, and traced with them',
    async (name) => {
      // a copy without the chunks only a dynamic import loads: an untraced init must not need any of them
      const stripped = join(outdir, `${name}-without-lazy-chunks`);
      cpSync(join(outdir, name), stripped, { recursive: true });
      for (const chunk of sizes[name].lazyChunks) rmSync(join(stripped, chunk));
      const loads = (dir: string) =>
        `const m = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.exit(typeof m.handler === 'function' ? 0 : 3);`;
      expect((await runBundled(loads(stripped))).stderr).toBe('');
      // as on Lambda with Tracing.ACTIVE: the tracer's chunk is loaded and the handler still exported
      const traced = await runBundled(loads(join(outdir, name)), {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      });
      expect(traced.stderr).toBe('');
      await expect(
        runBundled(loads(stripped), { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' }),
      ).rejects.toThrow(/Cannot find module|ERR_MODULE_NOT_FOUND/);
    },
    30_000,
  );

  it.each(FUNCTION_NAMES)('%s loads as an ES module and exports a handler function', async (name) => {
    // the module wires its dependencies at load (config, SDK clients), with no network until invoked
    const script = `const m = await import(${JSON.stringify(pathToFileURL(sizes[name].file).href)}); process.exit(typeof m.handler === 'function' ? 0 : 3);`;
    const { stderr } = await runBundled(script);
    expect(stderr).toBe('');
  });

  it('api serves the studio, the reference and their files from the bundle alone', async () => {
    // the bundle runs from a folder with no node_modules and no functions/: only what the stack ships
    const paths = [
      '/',
      '/docs',
      '/assets/studio/app.js',
      '/assets/vendor/htm-preact.js',
      '/assets/vendor/swagger-ui-bundle.js',
    ];
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(sizes.api.file).href)});
      const event = (path) => ({
        version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: '', isBase64Encoded: false,
        headers: { host: 'example.execute-api.eu-west-1.amazonaws.com' },
        requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
          domainName: 'example.execute-api.eu-west-1.amazonaws.com', stage: '$default', requestId: 'r', routeKey: 'GET ' + path },
      });
      const answers = [];
      for (const path of ${JSON.stringify(paths)}) {
        const r = await handler(event(path), {});
        answers.push([path, r.statusCode, r.headers['content-type'], (r.body ?? '').length > 100]);
      }
      console.log(JSON.stringify(answers));`;
    const { stdout, stderr } = await runBundled(script);
    // the SDK's notice that its 2027 releases need Node 22 (this machine runs 20) is not a failure
    expect(stderr.replace(/^.*NodeVersionSupportWarning[\s\S]*--trace-warnings.*\n/m, '')).toBe('');
    const answers: Array<[string, number, string, boolean]> = JSON.parse(stdout);
    for (const [path, status, type, hasBody] of answers) {
      expect({ path, status, hasBody }).toEqual({ path, status: 200, hasBody: true });
      expect(type).toMatch(/^text\/(html|javascript)/);
    }
    // the pages' files are beside the code, not in it
    for (const file of ['index.mjs', ...sizes.api.initChunks, ...sizes.api.lazyChunks])
      expect(readFileSync(join(outdir, 'api', file), 'utf8')).not.toContain('SwaggerUIBundle');
  });
});

function runBundled(script: string, extraEnv: Record<string, string> = {}) {
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outdir,
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_SUPPRESS_NODE_VERSION_WARNING: '1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      REELAY_JOBS_TABLE: 'reelay-jobs',
      FAL_KEY_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fal-AbCdEf',
      PUBLIC_URL: 'https://example.execute-api.eu-west-1.amazonaws.com',
      ...extraEnv,
    },
  });
}
