import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../core/deps.ts';
import { VIDEO_ID_PATTERN } from '../core/domain/ids.ts';
import { isTerminal } from '../core/domain/job.ts';
import { webhookTokens } from '../core/domain/steps.ts';
import { parseFalWebhook } from '../core/fal/fal-output.ts';
import { JwksUnavailableError } from '../core/fal/jwks-cache.ts';
import { readSignatureHeaders } from '../core/fal/webhook-signature.ts';
import { ApiError } from '../core/http/api-error.ts';
import { bodySize, MB } from '../core/http/body-size.ts';
import { errorHandler, notFoundHandler } from '../core/http/error-handler.ts';
import { answerJson, withNosniff } from '../core/http/nosniff.ts';
import { type ApplyOutcomeDeps, applyFalOutcome } from '../core/jobs/apply-fal-outcome.ts';
import { sendFollowUp } from '../core/limits/settle.ts';
import { METRIC, type WebhookRejection } from '../core/metrics/metrics.ts';

/** All the webhook function wires (functions/fal-webhook/wiring.ts): no fal client, no S3. */
export type FalWebhookDeps = ApplyOutcomeDeps & Pick<Deps, 'verifyFalWebhook' | 'falAccount' | 'metrics'>;

/** The per-job token as newWebhookToken makes it (base64url), with room for older lengths. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

const rejected = (reason: string) => new ApiError(401, 'webhook_rejected', `Webhook rejected: ${reason}.`);

const keysUnavailable = (error: JwksUnavailableError) =>
  new ApiError(503, 'webhook_keys_unavailable', "fal's signing keys cannot be fetched; retry later.", {
    headers: { 'Retry-After': '60' },
    cause: error,
  });

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The presented token against the job's, compared as hashes in constant time. */
const sameSecret = (presented: Buffer, known: string) => timingSafeEqual(presented, sha256(known));

const utf8 = new TextDecoder();

/**
 * `POST /webhooks/fal`: accepts a delivery only when its parameters, fal's signature, the
 * timestamp, the fal account, the job's token and the request id all check out, then records the outcome and answers at once (the
 * archive runs from the queue). Duplicates and late deliveries are answered 200 and change nothing.
 */
export function createFalWebhookApp(deps: FalWebhookDeps) {
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
  // nosniff on every answer: the errors here, the answers below with it built in, so the hot path
  // never turns a light response into Headers after the fact (BENCHMARKS.md §2)
  app.onError(withNosniff(errorHandler(deps.logger)));
  app.notFound(withNosniff(notFoundHandler));

  // what needs no body first: a malformed request costs neither a 1 MB read nor a lookup
  const precheck: MiddlewareHandler = async function precheck(c, next) {
    const [jobId, ...moreJobs] = c.req.queries('job') ?? [];
    const [token, ...moreTokens] = c.req.queries('token') ?? [];
    if (!jobId || !VIDEO_ID_PATTERN.test(jobId) || !token || !TOKEN_PATTERN.test(token))
      throw refuse('token', 'unknown job or wrong token');
    if (moreJobs.length > 0 || moreTokens.length > 0) throw refuse('token', 'unknown job or wrong token');
    // the verifier owns the clock the timestamp is judged by
    const headers = readSignatureHeaders((name) => c.req.header(name));
    if (!headers.ok) throw refuse('signature', headers.reason);
    if (deps.falAccount.check(headers.headers.userId) === 'other')
      throw refuse('account', 'signed for another fal account');
    await next();
  };

  const keysFailed = (error: unknown): never => {
    if (!(error instanceof JwksUnavailableError)) throw error;
    deps.logger.error('fal JWKS unavailable and no key set young enough to verify with', {
      error: error.message,
    });
    throw keysUnavailable(error);
  };

  // No request deadline here: a capture calls no fal, LLM or URL check, its DynamoDB and SQS calls
  // keep their own limits (core/net/aws-call-bounds.ts), and the AsyncLocalStorage cost every promise
  // of the request a hook on Node 20. The bundle test fails if a module here calls withDeadline.
  app.post('/webhooks/fal', precheck, bodySize({ json: 1 * MB, multipart: 1 * MB }), async (c) => {
    const jobId = c.req.query('job') as string;
    const token = sha256(c.req.query('token') as string);

    // the signature covers the raw bytes: read them once, verify, and parse those same bytes
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const signature = await deps.verifyFalWebhook(c.req.header.bind(c.req), raw).catch(keysFailed);
    if (!signature.ok) throw refuse('signature', signature.reason);
    const account = deps.falAccount.check(signature.userId);

    const job = await deps.jobs.get(jobId);
    if (!job) throw refuse('token', 'unknown job or wrong token');
    // an earlier step's token: fal is telling of a step that is over (each step has its own token)
    const earlierStep = !sameSecret(token, job.webhookToken);
    if (earlierStep && !webhookTokens(job).some((known) => sameSecret(token, known)))
      throw refuse('token', 'unknown job or wrong token');

    const delivery = parseFalWebhook(utf8.decode(raw));
    if (!delivery || delivery.requestId !== signature.requestId)
      throw refuse('body', 'body does not match its signature headers');
    const { requestId, outcome } = delivery;
    const recorded = job.requestId === requestId || job.priorRequestIds.includes(requestId);
    // a request id Reelay recorded from fal's answer to its own submit proves the account ours
    if (recorded) deps.falAccount.learn(signature.userId);
    // until the account is known, nothing else is taken on trust; fal retries, and by then the
    // request id is recorded (or the account learnt)
    else if (account === 'unknown')
      throw refuse('account', 'fal account not yet known; only recorded requests');
    // an authentic delivery for an attempt that is over (or a job that ended) is answered so fal stops retrying
    if (
      isTerminal(job.state) ||
      earlierStep ||
      job.priorRequestIds.includes(requestId) ||
      (job.requestId === requestId && job.state !== 'submitted')
    ) {
      deps.logger.info('webhook for a finished attempt ignored', {
        jobId: job.id,
        requestId,
        state: job.state,
      });
      return answerJson({ received: true, applied: 'ignored' });
    }
    // signed by fal for our account and carrying the job's token, but for a request the job never
    // recorded: adopted only where a submit's answer is outstanding or was lost (applyFalOutcome)
    if (!recorded)
      deps.logger.warn('webhook for an unrecorded fal request', {
        jobId: job.id,
        requestId,
        state: job.state,
        openSubmits: job.openSubmits ?? 0,
      });
    if (outcome.kind === 'payload_missing') {
      // fal could not put the output in the webhook; its queue still has it. Fetching is slow work
      // for the follow-up worker (the reconciler polls if this message is lost); fal gets its 200 now.
      await sendFollowUp(deps, { kind: 'fetch-result', jobId: job.id, requestId }, job.id);
      deps.logger.info('fal webhook without payload: result fetch queued', { jobId: job.id, requestId });
      return answerJson({ received: true, applied: 'deferred' });
    }
    const applied = await applyFalOutcome(deps, job, outcome, { adoptOrphan: true });
    deps.logger.info('fal webhook received', { jobId: job.id, requestId, status: outcome.kind, applied });
    return answerJson({ received: true, applied });
  });
  return app;
}
