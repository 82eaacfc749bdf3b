/** One signed POST to a receiver. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came back: a status code, or why there was none (timeout, refused address, network error). */
export type SendResult =
  | { statusCode: number; durationMs: number }
  | { statusCode?: undefined; error: string; durationMs: number };

/** Posts a webhook: checks the address it connects to, follows no redirect, waits a bounded time. */
export type WebhookSender = (request: WebhookRequest) => Promise<SendResult>;
