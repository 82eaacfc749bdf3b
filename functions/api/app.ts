import { Hono } from 'hono';
import { downloadOrigins } from '../core/archive/s3/download-origins.ts';
import type { Deps } from '../core/deps.ts';
import { bodySize, MB } from '../core/http/body-size.ts';
import { requestDeadline } from '../core/http/deadline.ts';
import { errorHandler, notFoundHandler } from '../core/http/error-handler.ts';
import { nosniff } from '../core/http/nosniff.ts';
import { type AuthEnv, apiKeyAuth } from './auth.ts';
import { pageCsp } from './csp.ts';
import { lazyRoutes, onFirstUse } from './lazy-routes.ts';
import { rateLimit } from './rate-limit.ts';
import { pageRoutes } from './routes/pages.ts';
import { createWebAssets, type WebAssets } from './web-assets.ts';

// read once per process: the file list, and each file on first use
let sharedAssets: WebAssets | undefined;

/**
 * The public API: OpenAI's Videos API shape, plus the catalog, the OpenAPI document, the studio and its
 * reference. The /v1 routes and the document are built on first use (BENCHMARKS.md §1): their schemas
 * were two thirds of a cold start's CPU, and a container answering only health checks never needs them.
 */
export function createApiApp(deps: Deps) {
  const app = new Hono<AuthEnv>();
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.use('*', nosniff());

  app.use('*', requestDeadline(deps.config.deadlines.apiMs));
  app.get('/healthz', (c) => c.json({ status: 'ok' as const }, 200));
  sharedAssets ??= createWebAssets();
  const { publicUrl: streamUrl } = deps.config.events;
  const streamOrigins = streamUrl ? [new URL(streamUrl).origin] : [];
  app.route('/', pageRoutes(sharedAssets, pageCsp(downloadOrigins(deps.config), streamOrigins)));

  // one build of the /v1 routes per app, shared by the requests and the document
  const loadV1 = onFirstUse(async () => (await import('./v1-routes.ts')).v1Routes(deps));
  app.use('/v1/*', apiKeyAuth(deps.resolveKey));
  app.use('/v1/*', rateLimit(deps));
  app.use('/v1/*', bodySize({ json: 1 * MB, multipart: 20 * MB }));
  app.all('/v1/*', lazyRoutes(loadV1));

  const document = onFirstUse(async () =>
    (await import('./openapi-document.ts')).openApiDocument(await loadV1()),
  );
  app.get('/openapi.json', async (c) => c.json(await document()));
  return app;
}
