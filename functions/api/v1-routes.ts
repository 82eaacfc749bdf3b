import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../core/deps.ts';
import { notFoundHandler } from '../core/http/error-handler.ts';
import type { AuthEnv } from './auth.ts';
import { inheritVariables, rethrowErrors } from './lazy-routes.ts';
import { callbackSecretRoutes } from './routes/callback-secret.ts';
import { creativeRoutes } from './routes/creative.ts';
import { editRoutes } from './routes/edits.ts';
import { eventRoutes } from './routes/events.ts';
import { extensionRoutes } from './routes/extensions.ts';
import { insightRoutes } from './routes/insights.ts';
import { modelRoutes } from './routes/models.ts';
import { sequenceRoutes } from './routes/sequences.ts';
import { videoRoutes } from './routes/videos.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';

/**
 * Every /v1 route with its request and response schemas: the part of the API that costs most to
 * build (classic zod, one instance per schema), so app.ts loads it on the first /v1 request.
 */
export function v1Routes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.onError(rethrowErrors);
  app.notFound(notFoundHandler);
  app.use('*', inheritVariables());
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
  return app;
}

export type V1Routes = ReturnType<typeof v1Routes>;
