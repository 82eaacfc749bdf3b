import { Hono } from 'hono';
import { registerPricing } from './billing.ts';
import type { EmulatorContext, EmulatorEnv } from './context.ts';
import { jsonResponse } from './json.ts';
import { registerCdn } from './routes/cdn.ts';
import { registerControl } from './routes/control.ts';
import { registerRequests } from './routes/requests.ts';
import { registerRun } from './routes/run.ts';
import { registerStorage } from './routes/storage.ts';
import { registerSubmit } from './routes/submit.ts';

/** One Hono app for the queue API, the rest API and the CDN (fal's three hosts on one port). */
export function createApp(ctx: EmulatorContext, mediaTtlMs: number): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  registerControl(app, ctx);
  registerStorage(app, ctx, mediaTtlMs);
  registerCdn(app, ctx);
  registerRequests(app, ctx);
  registerRun(app, ctx);
  registerPricing(app, ctx);
  // Last: every other POST path is an endpoint id.
  registerSubmit(app, ctx);
  app.notFound(() => jsonResponse(404, { detail: 'Not Found' }));
  app.onError((error) => {
    ctx.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return jsonResponse(500, { detail: 'Internal Server Error' });
  });
  return app;
}
