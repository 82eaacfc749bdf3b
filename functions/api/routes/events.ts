import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import { ApiError } from '../../core/http/api-error.ts';
import { issueStreamToken } from '../../core/live/stream-token.ts';
import type { AuthEnv } from '../auth.ts';
import { errors, json, security } from './route-docs.ts';

const StreamToken = z
  .object({
    object: z.literal('event_stream.token'),
    token: z
      .string()
      .openapi({ description: 'Pass as ?token= or as a WebSocket subprotocol; lasts a minute' }),
    expires_at: z.number().int(),
    url: z.string().openapi({ description: 'The event stream to open, wss:// on AWS' }),
  })
  .openapi('EventStreamToken');

const tokenRoute = createRoute({
  method: 'post',
  path: '/v1/events/tokens',
  summary: 'A short-lived token that opens the event stream where a client cannot send headers (a browser)',
  security,
  responses: { 200: json(StreamToken, 'The token and where to use it'), ...errors(401, 429) },
});

/** The stream's URL: the WebSocket API's stage on AWS, this host's own /v1/events locally. */
function streamUrl(deps: Deps, requestUrl: string): string {
  if (deps.config.events.publicUrl) return deps.config.events.publicUrl;
  const url = new URL('/v1/events', requestUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** POST /v1/events/tokens, and GET /v1/events for a client that did not ask to upgrade. */
export function eventRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.openAPIRegistry.registerPath(tokenRoute);
  app.post('/v1/events/tokens', async (c) => {
    const { token, expiresAt } = await issueStreamToken(deps, {
      tenant: c.get('tenant'),
      keyId: c.get('keyId'),
    });
    return c.json(
      {
        object: 'event_stream.token' as const,
        token,
        expires_at: Math.floor(expiresAt / 1000),
        url: streamUrl(deps, c.req.url),
      },
      200,
    );
  });
  // the upgrade is no HTTP operation (OpenAPI cannot describe it): the guide on /docs explains it
  app.get('/v1/events', (c) => {
    throw new ApiError(
      426,
      'upgrade_required',
      `GET /v1/events is a WebSocket: open ${streamUrl(deps, c.req.url)} with a WebSocket client.`,
      { headers: { Upgrade: 'websocket' } },
    );
  });
  return app;
}
