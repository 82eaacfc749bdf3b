import { createFalClient, type FalClient } from '@fal-ai/client';
import type { FalEmulator } from '../../dev/fal-emulator/index.ts';
import { waitUntil } from './wait-for.ts';

export interface RecordedCall {
  method: string;
  url: string;
  status: number;
}

/** The real @fal-ai/client pointed at the emulator, recording every HTTP exchange it makes. */
export function falClientFor(emulator: FalEmulator, credentials = 'test-key:secret') {
  const calls: RecordedCall[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    calls.push({ method: init?.method ?? 'GET', url, status: response.status });
    return response;
  };
  const client: FalClient = createFalClient({
    credentials,
    fetch: recordingFetch,
    requestMiddleware: async (request) => ({
      ...request,
      url: request.url.replace(/^https:\/\/(queue\.fal\.run|rest\.fal\.ai)/, emulator.url),
    }),
  });
  return { client, calls };
}

/** A raw queue call with fal's auth header. */
export function falFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { Authorization: 'Key test', ...(init.headers ?? {}) } });
}

export async function submitRaw(
  emulator: FalEmulator,
  endpointId: string,
  input: unknown,
  webhookUrl?: string,
): Promise<Response> {
  const query = webhookUrl ? `?fal_webhook=${encodeURIComponent(webhookUrl)}` : '';
  return falFetch(`${emulator.url}/${endpointId}${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export interface SubmitAnswer {
  request_id: string;
  response_url: string;
  status_url: string;
  cancel_url: string;
}

/** Submits and returns the queue answer, failing loudly on a non-200. */
export async function submitOk(
  emulator: FalEmulator,
  endpointId: string,
  input: unknown,
  webhookUrl?: string,
): Promise<SubmitAnswer> {
  const response = await submitRaw(emulator, endpointId, input, webhookUrl);
  if (response.status !== 200)
    throw new Error(`submit answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as SubmitAnswer;
}

export async function waitForCompletion(emulator: FalEmulator, requestId: string, timeoutMs = 5_000) {
  await waitUntil(
    () => emulator.request(requestId)?.state === 'COMPLETED',
    timeoutMs,
    `request ${requestId}`,
  );
  const request = emulator.request(requestId);
  if (!request) throw new Error(`unknown request ${requestId}`);
  return request;
}
