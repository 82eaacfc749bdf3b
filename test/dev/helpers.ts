import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFalClient, type FalClient } from '@fal-ai/client';
import { type FalEmulator, type FalEmulatorOptions, startFalEmulator } from '../../dev/fal-emulator/index.ts';

/** Fast timings for tests; webhook retries in tens of ms. */
export const FAST: FalEmulatorOptions = {
  queueMs: 40,
  generationMs: 80,
  webhookRetryDelaysMs: [30, 60],
  webhookTimeoutMs: 2_000,
};

export const SEEDANCE_T2V = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';

export function startTestEmulator(options: FalEmulatorOptions = {}): Promise<FalEmulator> {
  return startFalEmulator({ ...FAST, ...options });
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Status for the n-th delivery (0-based); 200 unless set. */
  respond: (n: number) => number;
  waitFor(count: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint that records raw bodies and headers. `holdUntil` delays every answer until it
 * holds for the deliveries so far (to prove deliveries overlap).
 */
export async function startReceiver(
  respond: (n: number) => number = () => 200,
  holdUntil: (deliveries: Delivery[]) => boolean = () => true,
): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const receiver: Receiver = {
    url: '',
    deliveries,
    respond,
    waitFor: async (count, timeoutMs = 5_000) => {
      await waitUntil(() => deliveries.length >= count, timeoutMs, `${count} webhook deliveries`);
      return deliveries;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const n = deliveries.length;
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() });
      await waitUntil(() => holdUntil(deliveries), 5_000, 'receiver hold').catch(() => undefined);
      res.writeHead(receiver.respond(n)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return receiver;
}

export async function waitUntil(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

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

/** Verifies a delivery exactly as a receiver would: JWKS key, fal's message, ED25519, 300 s window. */
export async function verifyDelivery(delivery: Delivery, jwksUrl: string): Promise<boolean> {
  const { keys } = (await (await fetch(jwksUrl)).json()) as { keys: JsonWebKey[] };
  const header = (name: string) => {
    const value = delivery.headers[name];
    if (typeof value !== 'string') throw new Error(`missing header ${name}`);
    return value;
  };
  const requestId = header('x-fal-webhook-request-id');
  const userId = header('x-fal-webhook-user-id');
  const timestamp = header('x-fal-webhook-timestamp');
  const signature = Buffer.from(header('x-fal-webhook-signature'), 'hex');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const digest = createHash('sha256').update(delivery.body).digest('hex');
  const message = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`, 'utf8');
  return keys.some((jwk) => verify(null, message, createPublicKey({ key: jwk, format: 'jwk' }), signature));
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
