import type { FalBilling } from '../billing.ts';

export interface FalBillingOptions {
  credentials: () => Promise<string>;
  /** fal's queue (`https://queue.fal.run`), where a request's result answers with its billable units. */
  queueUrl: string;
  /** fal's platform API (`https://api.fal.ai`), whose `/v1/models/pricing` gives unit prices. */
  apiUrl: string;
  timeoutMs: number;
  /** How long a unit price is kept in this process. */
  priceCacheMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Status, result and cancel URLs use only the endpoint's owner/app. */
const ownerApp = (endpoint: string) => endpoint.split('/').slice(0, 2).join('/');

function readUnits(header: string | null): number | undefined {
  if (header === null) return undefined;
  const units = Number(header);
  return Number.isFinite(units) && units >= 0 ? units : undefined;
}

/** Reads fal's billing facts with plain HTTP: `@fal-ai/client` drops the response headers that carry them. */
export function createFalBilling(options: FalBillingOptions): FalBilling {
  const call = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const prices = new Map<string, { price: number | undefined; until: number }>();
  const get = async (url: string) =>
    call(url, {
      headers: { authorization: `Key ${await options.credentials()}`, accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });

  return {
    async billableUnits(endpoint, requestId) {
      const base = options.queueUrl.replace(/\/$/, '');
      const response = await get(`${base}/${ownerApp(endpoint)}/requests/${encodeURIComponent(requestId)}`);
      await response.body?.cancel();
      const units = readUnits(response.headers.get('x-fal-billable-units'));
      if (response.ok) return { billed: true, ...(units !== undefined && { units }) };
      // gone (results are kept an hour) or throttled: unknown; any other error is the request's own failure
      if (response.status === 404 || response.status === 429)
        throw new Error(`fal answered ${response.status} for the result of ${requestId}`);
      return { billed: false, units: units ?? 0 };
    },

    async unitPriceUsd(endpoint) {
      const cached = prices.get(endpoint);
      if (cached && cached.until > now()) return cached.price;
      const base = options.apiUrl.replace(/\/$/, '');
      const response = await get(`${base}/v1/models/pricing?endpoint_id=${encodeURIComponent(endpoint)}`);
      if (!response.ok) throw new Error(`fal's pricing API answered ${response.status}`);
      const body = (await response.json()) as {
        prices?: Array<{ endpoint_id?: unknown; unit_price?: unknown; currency?: unknown }>;
      };
      const entry = body.prices?.find((p) => p.endpoint_id === endpoint);
      const price =
        typeof entry?.unit_price === 'number' && entry.unit_price >= 0 && (entry.currency ?? 'USD') === 'USD'
          ? entry.unit_price
          : undefined;
      prices.set(endpoint, { price, until: now() + (options.priceCacheMs ?? 3_600_000) });
      return price;
    },
  };
}
