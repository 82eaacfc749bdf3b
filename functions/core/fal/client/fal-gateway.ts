import { AsyncLocalStorage } from 'node:async_hooks';
import { ApiError, createFalClient, type RequestMiddleware } from '@fal-ai/client';
import { callTimeoutMs } from '../../deadline.ts';
import type { FalFailure } from '../../domain/fal-outcome.ts';
import type { CancelResult, FalGateway, FalQueueStatus } from '../fal-gateway.ts';
import { FalCallError } from '../fal-gateway.ts';
import { outcomeFromOutput } from '../fal-output.ts';

export interface FalClientOptions {
  /** Asked before every call; the provider caches (a key in Secrets Manager is re-read every few minutes). */
  credentials: () => Promise<string>;
  queueUrl: string;
  restUrl: string;
  fetch?: typeof fetch;
  /** Bound on each HTTP call to fal; each gateway call is one HTTP call (the client does not retry). */
  requestTimeoutMs?: number;
}

const FAL_QUEUE = 'https://queue.fal.run';
const FAL_REST = 'https://rest.fal.ai';

/** The client's hosts are fixed; this moves them, so the same code talks to fal or any fal-compatible server. */
export function rewriteFalHosts(queueUrl: string, restUrl: string): RequestMiddleware {
  const move = (url: string, from: string, to: string) =>
    url === from || url.startsWith(`${from}/`) || url.startsWith(`${from}?`)
      ? to.replace(/\/$/, '') + url.slice(from.length)
      : url;
  return async (request) => ({
    ...request,
    url: move(move(request.url, FAL_QUEUE, queueUrl), FAL_REST, restUrl),
  });
}

type ErrorHeaders = Pick<FalFailure, 'retryable' | 'errorType'>;

interface CallContext {
  /** The client's ApiError drops headers: fal's `X-Fal-*` error headers are collected here. */
  headers: ErrorHeaders;
  /**
   * Given to the client as the call's abort signal and aborted when fal's answer is an error: the
   * client then does not retry (it would, up to 5 times, submits included), so the job's own retry
   * policy is the only one, and a submit never outlives its lease.
   */
  noRetry: AbortController;
}

const callContext = new AsyncLocalStorage<CallContext>();

/** Connection errors that prove nothing was sent; any other transport failure may have reached fal. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Every call to fal goes through here: a timeout, fal's error headers collected, and no blind resend
 * of a POST that may have reached fal (the client retries transport errors, which would submit twice).
 */
function collectingFetch(base: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const context = callContext.getStore();
    let response: Response;
    try {
      // the client's signal only stops its retries; the request itself has our timeout
      // and never past the caller's deadline (a request answers before API Gateway or fal give up)
      response = await base(input, { ...init, signal: AbortSignal.timeout(callTimeoutMs(timeoutMs)) });
    } catch (error) {
      context?.noRetry.abort();
      if (init?.method?.toUpperCase() !== 'POST' || NOT_SENT.has(causeCode(error) ?? '')) throw error;
      // the client never retries an abort; we then treat the submit as possibly accepted
      const reason = error instanceof Error ? error.message : String(error);
      throw Object.assign(new Error(`no answer from fal: ${reason}`, { cause: error }), {
        name: 'AbortError',
      });
    }
    if (!response.ok && context) {
      context.noRetry.abort();
      const retryable = response.headers.get('x-fal-retryable');
      const errorType = response.headers.get('x-fal-error-type');
      if (retryable !== null) context.headers.retryable = retryable.toLowerCase() === 'true';
      if (errorType !== null) context.headers.errorType = errorType;
    }
    return response;
  };
}

function toFailure(error: unknown, headers: ErrorHeaders): FalFailure {
  if (error instanceof ApiError) {
    return { status: error.status, body: error.body, message: error.message, ...headers };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { network: true, maybeAccepted: !NOT_SENT.has(causeCode(error) ?? ''), message };
}

/** Errors the result call answers about the request itself (the model failed), as opposed to the call failing. */
function isModelError(failure: FalFailure): boolean {
  const { status, body } = failure;
  if (failure.network || status === undefined || status === 404 || status === 429) return false;
  return status < 500 || (typeof body === 'object' && body !== null && 'detail' in body);
}

export function createFalGateway(options: FalClientOptions): FalGateway {
  let key: string | undefined;
  const client = createFalClient({
    credentials: () => key,
    requestMiddleware: rewriteFalHosts(options.queueUrl, options.restUrl),
    fetch: collectingFetch(options.fetch ?? fetch, options.requestTimeoutMs ?? 20_000),
    // calls outside the queue (storage) take this; queue calls bring their own, stopped by noRetry
    retry: { maxRetries: 0 },
  });

  async function call<T>(what: string, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      // resolved per call (the provider caches it), so a rotated key is picked up
      key = await options.credentials();
    } catch (error) {
      const detail = `Reelay has no usable fal key: ${error instanceof Error ? error.message : String(error)}`;
      throw new FalCallError(
        `fal ${what} not attempted`,
        { status: 401, body: { detail } },
        { cause: error },
      );
    }
    const context: CallContext = { headers: {}, noRetry: new AbortController() };
    const { headers } = context;
    try {
      return await callContext.run(context, () => run(context.noRetry.signal));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FalCallError(`fal ${what} failed: ${reason}`, toFailure(error, headers), { cause: error });
    }
  }

  return {
    async submit(endpoint, input, webhookUrl, options = {}) {
      const { outputLifetimeSeconds } = options;
      const answer = await call('submit', (abortSignal) =>
        client.queue.submit(endpoint, {
          input,
          abortSignal,
          ...(webhookUrl !== undefined && { webhookUrl }),
          ...(outputLifetimeSeconds !== undefined && {
            storageSettings: { expiresIn: outputLifetimeSeconds },
          }),
        }),
      );
      return { requestId: answer.request_id };
    },

    async status(endpoint, requestId) {
      const answer = await call('status', (abortSignal) =>
        client.queue.status(endpoint, { requestId, logs: false, abortSignal }),
      );
      return answer.status as FalQueueStatus;
    },

    async result(endpoint, requestId) {
      try {
        const { data } = await call('result', (abortSignal) =>
          client.queue.result(endpoint, { requestId, abortSignal }),
        );
        return outcomeFromOutput(requestId, data);
      } catch (error) {
        if (error instanceof FalCallError && isModelError(error.failure)) {
          return { kind: 'error', requestId, status: error.failure.status, body: error.failure.body };
        }
        throw error;
      }
    },

    async cancel(endpoint, requestId): Promise<CancelResult> {
      try {
        await call('cancel', (abortSignal) => client.queue.cancel(endpoint, { requestId, abortSignal }));
        return 'cancellation_requested';
      } catch (error) {
        const status = error instanceof FalCallError ? error.failure.status : undefined;
        if (status === 400) return 'already_completed';
        if (status === 404) return 'not_found';
        throw error;
      }
    },

    async output(endpoint, requestId) {
      const { data } = await call('result', (abortSignal) =>
        client.queue.result(endpoint, { requestId, abortSignal }),
      );
      return data;
    },

    upload(file) {
      return call('upload', () => client.storage.upload(file));
    },
  };
}
