import type { Hono } from 'hono';
import { ZodError } from 'zod';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { jsonResponse } from '../json.ts';
import { snapshotStats } from '../stats.ts';
import { toEmulatedRequest } from '../views.ts';

/** `/_emulator/*`: faults, stats and request views over HTTP, for curl demos and the chaos runner. */
export function registerControl(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post('/_emulator/faults', async (c) => {
    try {
      const fault = ctx.faults.add(await c.req.json());
      ctx.log(`fault injected: ${JSON.stringify(fault)}`);
      return c.body(null, 204);
    } catch (error) {
      if (error instanceof ZodError) return jsonResponse(400, { detail: error.issues });
      return jsonResponse(400, { detail: 'Body must be a JSON fault' });
    }
  });

  app.delete('/_emulator/faults', (c) => {
    ctx.faults.clear();
    return c.body(null, 204);
  });

  app.get('/_emulator/stats', () => jsonResponse(200, snapshotStats(ctx.stats)));

  app.get('/_emulator/requests/:id', (c) => {
    const record = ctx.queue.get(c.req.param('id'));
    if (!record) return jsonResponse(404, { detail: 'Request not found' });
    return jsonResponse(200, toEmulatedRequest(ctx.baseUrl(), record, ctx.files));
  });
}
