import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './wait-for.ts';

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
