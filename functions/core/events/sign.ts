import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers for one delivery: `webhook-signature` carries one `v1,<sig>` per live
 * secret (space-separated during a rotation's overlap), so a receiver with either secret verifies.
 */
export function signedHeaders(
  secrets: readonly string[],
  webhookId: string,
  now: number,
  body: string,
): Record<string, string> {
  const timestamp = new Date(Math.floor(now / 1000) * 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(webhookId, timestamp, body))
      .join(' '),
  };
}
