import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../core/deps.ts';
import { bodySize, MB } from '../core/http/body-size.ts';
import { errorHandler, notFoundHandler } from '../core/http/error-handler.ts';
import { type AuthEnv, apiKeyAuth } from './auth.ts';
import { rateLimit } from './rate-limit.ts';
import { callbackSecretRoutes } from './routes/callback-secret.ts';
import { modelRoutes } from './routes/models.ts';
import { videoRoutes } from './routes/videos.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { webPage } from './web-page.ts';

/** The public API: OpenAI's Videos API shape, plus the catalog, the OpenAPI document and a health check. */
export function createApiApp(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/', (c) => c.html(webPage));
  app.use('/v1/*', apiKeyAuth(deps.resolveKey));
  app.use('/v1/*', rateLimit(deps));
  app.use('/v1/*', bodySize({ json: 1 * MB, multipart: 20 * MB }));
  app.route('/', videoRoutes(deps));
  app.route('/', modelRoutes());
  app.route('/', webhookEndpointRoutes(deps));
  app.route('/', callbackSecretRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Reelay',
      version: '0.1.0',
      description: "OpenAI's Videos API in front of fal's video models, archived to your own S3 bucket.",
    },
  });
  return app;
}
