import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { applyPromptDirectives } from '../faults/directives.ts';
import type { FaultContext } from '../faults/queue.ts';
import type { BoundFaults, SubmitFault } from '../faults/schema.ts';
import { jsonResponse, parseJson } from '../json.ts';
import { findEndpoint } from '../models/catalog.ts';
import { validateInput } from '../models/validate.ts';
import { requestUrls } from '../views.ts';
import { authError } from './auth.ts';
import { lifecycleTtlMs, secondsHeader } from './headers.ts';

const SUBMIT_FAULT_DETAIL: Record<number, string> = {
  429: 'Too many requests: the queue for this application is full',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const BALANCE_EXHAUSTED =
  'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.';

/** `POST /{endpoint id}?fal_webhook=…`: auth, model lookup, submit faults, validation, enqueue. */
export function registerSubmit(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post('/*', async (c) => {
    const response = await submit(c, ctx);
    if (response.status !== 200) ctx.stats.rejectedSubmits += 1;
    return response;
  });
}

async function submit(c: Context<EmulatorEnv>, ctx: EmulatorContext): Promise<Response> {
  const denied = authError(c.req.header('authorization'), ctx.apiKey);
  if (denied) return denied;
  const endpointId = decodeURIComponent(c.req.path).replace(/^\/+|\/+$/g, '');
  const endpoint = findEndpoint(endpointId);
  if (!endpoint) return jsonResponse(404, { detail: `Application '${endpointId}' not found` });

  const text = await c.req.text();
  let body: unknown;
  try {
    body = text.trim() === '' ? undefined : parseJson(text);
  } catch (error) {
    return jsonDecodeError(error);
  }
  const prompt = promptOf(body);
  const faultContext: FaultContext = { endpointId, prompt };

  const fault = ctx.faults.take('submit', faultContext);
  if (fault) {
    const answer = await applySubmitFault(fault, ctx);
    if (answer) return answer;
  }

  const webhookUrl = c.req.query('fal_webhook') ?? null;
  if (webhookUrl !== null && !isHttpUrl(webhookUrl)) {
    const item = {
      loc: ['query', 'fal_webhook'],
      msg: 'invalid or missing URL scheme',
      type: 'value_error.url.scheme',
    };
    return jsonResponse(422, { detail: [item] });
  }
  const validation = validateInput(endpoint.schema, body);
  if (!validation.ok) return jsonResponse(422, { detail: validation.errors });

  const faults = bindFaults(ctx, faultContext, prompt, webhookUrl !== null);
  const record = ctx.queue.submit({
    endpoint,
    input: body as Record<string, unknown>,
    prompt,
    webhookUrl,
    faults,
    startTimeoutMs: secondsHeader(c.req.header('x-fal-request-timeout')),
    mediaTtlMs: lifecycleTtlMs(c.req.header('x-fal-object-lifecycle-preference')),
  });
  ctx.stats.submits += 1;
  ctx.stats.submitsByEndpoint[endpointId] = (ctx.stats.submitsByEndpoint[endpointId] ?? 0) + 1;
  ctx.log(`submit ${endpointId} -> ${record.requestId}`);
  const queuePosition = ctx.queue.position(record);
  if (faults.webhook === 'before_submit_response') await ctx.queue.runNow(record);

  return jsonResponse(
    200,
    {
      status: 'IN_QUEUE',
      request_id: record.requestId,
      gateway_request_id: record.requestId,
      ...requestUrls(ctx.baseUrl(), record),
      queue_position: queuePosition,
    },
    { 'x-fal-request-id': record.requestId },
  );
}

// Returns the answer for refusing faults; a hang just delays the normal answer.
async function applySubmitFault(fault: SubmitFault, ctx: EmulatorContext): Promise<Response | null> {
  if ('status' in fault) return jsonResponse(fault.status, { detail: SUBMIT_FAULT_DETAIL[fault.status] });
  if ('balanceExhausted' in fault) return jsonResponse(403, { detail: BALANCE_EXHAUSTED });
  ctx.log(`submit: hanging ${fault.hangMs} ms (fault)`);
  await sleep(fault.hangMs, undefined, { signal: ctx.closing }).catch(() => undefined);
  return null;
}

/** Generation and webhook faults are bound at submit, so they follow the request through restarts. */
function bindFaults(
  ctx: EmulatorContext,
  context: FaultContext,
  prompt: string,
  hasWebhook: boolean,
): BoundFaults {
  const faults: BoundFaults = { generation: null, webhook: null, webhookDelayMs: 0, cdn: [] };
  const generation = ctx.faults.take('generation', context);
  if (generation) faults.generation = 'error' in generation ? generation.error : 'payload_error';
  // A request without a webhook URL has no webhook event to fault.
  const webhook = hasWebhook ? ctx.faults.take('webhook', context) : undefined;
  if (webhook && 'mode' in webhook) faults.webhook = webhook.mode;
  if (webhook && 'delayMs' in webhook) faults.webhookDelayMs = webhook.delayMs;
  const unknown = applyPromptDirectives(prompt, faults);
  if (unknown.length > 0) ctx.log(`submit: unknown prompt directive(s) ${unknown.join(', ')}`);
  return faults;
}

function promptOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const prompt = (body as Record<string, unknown>).prompt;
  return typeof prompt === 'string' ? prompt : '';
}

// FastAPI's answer to a body that is not JSON.
function jsonDecodeError(error: unknown): Response {
  const msg = error instanceof Error ? error.message : 'Expecting value';
  return jsonResponse(422, { detail: [{ loc: ['body', 0], msg, type: 'value_error.jsondecode' }] });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
