import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { downloadOrigins } from '../core/archive/s3/download-origins.ts';
import type { Deps } from '../core/deps.ts';
import { bodySize, MB } from '../core/http/body-size.ts';
import { requestDeadline } from '../core/http/deadline.ts';
import { errorHandler, notFoundHandler } from '../core/http/error-handler.ts';
import { nosniff } from '../core/http/nosniff.ts';
import { type AuthEnv, apiKeyAuth } from './auth.ts';
import { pageCsp } from './csp.ts';
import { API_GUIDE, withResponseHeaders } from './openapi-guide.ts';
import { rateLimit } from './rate-limit.ts';
import { callbackSecretRoutes } from './routes/callback-secret.ts';
import { creativeRoutes } from './routes/creative.ts';
import { editRoutes } from './routes/edits.ts';
import { eventRoutes } from './routes/events.ts';
import { extensionRoutes } from './routes/extensions.ts';
import { insightRoutes } from './routes/insights.ts';
import { modelRoutes } from './routes/models.ts';
import { pageRoutes } from './routes/pages.ts';
import { sequenceRoutes } from './routes/sequences.ts';
import { videoRoutes } from './routes/videos.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { createWebAssets, type WebAssets } from './web-assets.ts';

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Health check (no key needed)',
  responses: {
    200: {
      description: 'The function answers',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

// read once per process: the file list, and each file on first use
let sharedAssets: WebAssets | undefined;

/** The public API: OpenAI's Videos API shape, plus the catalog, the OpenAPI document, the studio and its reference. */
export function createApiApp(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.use('*', nosniff());

  app.use('*', requestDeadline(deps.config.deadlines.apiMs));
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  sharedAssets ??= createWebAssets();
  const { publicUrl: streamUrl } = deps.config.events;
  const streamOrigins = streamUrl ? [new URL(streamUrl).origin] : [];
  app.route('/', pageRoutes(sharedAssets, pageCsp(downloadOrigins(deps.config), streamOrigins)));
  app.use('/v1/*', apiKeyAuth(deps.resolveKey));
  app.use('/v1/*', rateLimit(deps));
  app.use('/v1/*', bodySize({ json: 1 * MB, multipart: 20 * MB }));
  // before videoRoutes: /v1/videos/extensions is no video id
  app.route('/', extensionRoutes(deps));
  app.route('/', videoRoutes(deps));
  app.route('/', sequenceRoutes(deps));
  app.route('/', editRoutes(deps));
  app.route('/', modelRoutes(deps.styles, deps.config));
  app.route('/', creativeRoutes(deps));
  app.route('/', insightRoutes(deps));
  app.route('/', webhookEndpointRoutes(deps));
  app.route('/', callbackSecretRoutes(deps));
  app.route('/', eventRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.get('/openapi.json', (c) =>
    c.json(
      withResponseHeaders(
        app.getOpenAPI31Document({
          openapi: '3.1.0',
          info: { title: 'Reelay', version: '0.1.0', description: API_GUIDE },
        }),
      ),
    ),
  );
  return app;
}
