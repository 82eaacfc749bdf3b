import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { isTerminal } from '../core/domain/job.ts';
import { ApiError } from '../core/errors.ts';
import { parseFalWebhook } from '../core/fal/fal-output.ts';
import { bodySize, MB } from '../core/http/body-size.ts';
import { errorHandler, notFoundHandler } from '../core/http/error-handler.ts';
import { applyFalOutcome, isCurrentRequest } from '../core/jobs/apply-fal-outcome.ts';
import { METRIC, type WebhookRejection } from '../core/metrics/metrics.ts';

const rejected = (reason: string) => new ApiError(401, 'webhook_rejected', `Webhook rejected: ${reason}.`);

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * `POST /webhooks/fal`: accepts a delivery only when fal's signature, the timestamp, the job's
 * token and the request id all check out, then records the outcome and answers at once (the
 * archive runs from the queue). Duplicates and late deliveries are answered 200 and change nothing.
 */
export function createFalWebhookApp(deps: Deps) {
  const app = new Hono();
  /** Counted by reason: a burst of them is a misconfigured URL or key, fal changing its signing, or someone probing. */
  const refuse = (why: WebhookRejection, reason: string) => {
    deps.metrics.emit({
      name: METRIC.webhookRejections,
      unit: 'Count',
      value: 1,
      dimensions: { reason: why },
    });
    return rejected(reason);
  };
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.post('/webhooks/fal', bodySize({ json: 1 * MB, multipart: 1 * MB }), async (c) => {
    // the signature covers the raw bytes: read them once, verify, and parse those same bytes
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const signature = await deps.verifyFalWebhook((name) => c.req.header(name), raw);
    if (!signature.ok) throw refuse('signature', signature.reason);

    const jobId = c.req.query('job');
    const token = c.req.query('token');
    const job = jobId ? await deps.jobs.get(jobId) : undefined;
    if (!job || !token || !sameSecret(token, job.webhookToken))
      throw refuse('token', 'unknown job or wrong token');

    const delivery = parseFalWebhook(new TextDecoder().decode(raw));
    if (!delivery || delivery.requestId !== signature.requestId)
      throw refuse('body', 'body does not match its signature headers');
    const { requestId, outcome } = delivery;
    // an authentic delivery for an attempt that is over (or a job that ended) is answered so fal stops retrying
    if (
      isTerminal(job.state) ||
      job.priorRequestIds.includes(requestId) ||
      (job.requestId === requestId && job.state !== 'submitted')
    ) {
      deps.logger.info('webhook for a finished attempt ignored', {
        jobId: job.id,
        requestId,
        state: job.state,
      });
      return c.json({ received: true, applied: 'ignored' });
    }
    // signed by fal and carrying the job's token, but for a request the job never recorded: a
    // resubmit whose first answer was lost. Acknowledged (fal stops retrying); a video is adopted.
    if (!isCurrentRequest(job, requestId))
      deps.logger.warn('webhook for an unrecorded fal request', {
        jobId: job.id,
        requestId,
        state: job.state,
      });
    const applied = await applyFalOutcome(deps, job, outcome, { adoptOrphan: true });
    deps.logger.info('fal webhook received', { jobId: job.id, requestId, status: outcome.kind, applied });
    return c.json({ received: true, applied });
  });
  return app;
}
