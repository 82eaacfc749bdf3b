import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { jsonResponse } from '../json.ts';
import { resultResponse, statusResponse } from '../views.ts';
import { falAuth } from './auth.ts';

const BASE = '/:owner/:app/requests/:id';

/** Status, result and cancel, addressed by owner/app only, like fal's queue. */
export function registerRequests(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const auth = falAuth(ctx.apiKey);
  const lookup = (owner: string, appName: string, id: string) => ctx.queue.visible(id, `${owner}/${appName}`);

  app.get(`${BASE}/status`, auth, (c) => {
    ctx.stats.statusCalls += 1;
    const record = lookup(c.req.param('owner'), c.req.param('app'), c.req.param('id'));
    if (!record) return jsonResponse(404, { detail: 'Request not found' });
    const logs = c.req.query('logs') === '1';
    return statusResponse(ctx.baseUrl(), record, logs, ctx.queue.position(record));
  });

  app.get(BASE, auth, (c) => {
    ctx.stats.resultCalls += 1;
    const record = lookup(c.req.param('owner'), c.req.param('app'), c.req.param('id'));
    if (!record) return jsonResponse(404, { detail: 'Request not found' });
    return resultResponse(ctx.baseUrl(), record, ctx.files);
  });

  app.put(`${BASE}/cancel`, auth, (c) => {
    ctx.stats.cancels += 1;
    const record = lookup(c.req.param('owner'), c.req.param('app'), c.req.param('id'));
    if (!record) return jsonResponse(404, { status: 'NOT_FOUND' });
    const answer = ctx.queue.cancel(record);
    ctx.log(`cancel ${record.requestId} -> ${answer}`);
    return jsonResponse(answer === 'CANCELLATION_REQUESTED' ? 202 : 400, { status: answer });
  });
}
