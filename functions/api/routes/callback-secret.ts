import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import type { CallbackSecret } from '../../core/domain/webhook-endpoint.ts';
import { callbackSecret, rotateCallbackSecret } from '../../core/events/secrets.ts';
import type { AuthEnv } from '../auth.ts';
import { readJson } from '../read-json.ts';
import { CallbackSecretObject, RotateSecretBody } from '../webhook-schemas.ts';
import { errors } from './route-docs.ts';

const answer = {
  description: 'The secret',
  content: { 'application/json': { schema: CallbackSecretObject } },
};

const getRoute = createRoute({
  method: 'get',
  path: '/v1/callback_secret',
  summary: "The secret that signs events sent to a video's callback_url (made on first read)",
  security: [{ Bearer: [] }],
  responses: { 200: answer, ...errors(401) },
});
const rotateRoute = createRoute({
  method: 'post',
  path: '/v1/callback_secret/rotate',
  summary: 'Rotate the callback secret (optionally keeping the old one signing for 24 h)',
  security: [{ Bearer: [] }],
  request: { body: { content: { 'application/json': { schema: RotateSecretBody } } } },
  responses: { 200: answer, ...errors(401) },
});

/** The tenant's callback_url secret (Reelay's extension): readable and rotatable, like an endpoint's. */
export function callbackSecretRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  const present = async (record: CallbackSecret) => {
    const [current, previous] = record.secrets;
    if (!current) throw new Error(`callback secret of ${record.tenant} holds no secret`);
    return {
      object: 'callback_secret' as const,
      signing_secret: await deps.secretBox.open(current.sealed),
      signing_secret_hint: current.hint,
      created_at: Math.floor(current.createdAt / 1000),
      previous_secret_expires_at:
        previous?.expiresAt !== undefined && previous.expiresAt > deps.now()
          ? Math.floor(previous.expiresAt / 1000)
          : null,
    };
  };

  app.openAPIRegistry.registerPath(getRoute);
  app.get('/v1/callback_secret', async (c) =>
    c.json(await present(await callbackSecret(deps, c.get('tenant'))), 200),
  );

  app.openAPIRegistry.registerPath(rotateRoute);
  app.post('/v1/callback_secret/rotate', async (c) => {
    const input = await readJson(c, RotateSecretBody);
    const { record } = await rotateCallbackSecret(
      deps,
      c.get('tenant'),
      input.keep_old_secret_active_for_24_hours,
    );
    deps.logger.info('callback secret rotated', { tenant: c.get('tenant') });
    return c.json(await present(record), 200);
  });
  return app;
}
