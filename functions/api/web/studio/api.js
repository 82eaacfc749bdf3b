// The studio's only way to the API: same origin, Bearer key, errors as ApiFailure with the envelope's fields.

const KEY_ITEM = 'reelay.key';
export const storedKey = () => localStorage.getItem(KEY_ITEM) ?? '';
export const storeKey = (key) => localStorage.setItem(KEY_ITEM, key);
export const forgetKey = () => localStorage.removeItem(KEY_ITEM);

/** A random key per create; getRandomValues, unlike randomUUID, works on a plain-http LAN address too. */
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `studio-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class ApiFailure extends Error {
  constructor(status, code, message, param, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param ?? null;
    this.retryAfter = retryAfter;
  }
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiFailure(0, 'network_error', 'Reelay did not answer.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? {};
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    throw new ApiFailure(
      response.status,
      error.code ?? `http_${response.status}`,
      error.message ?? response.statusText,
      error.param,
      retryAfter,
    );
  }
  return body;
}

/** The local stack's dev key, or undefined anywhere else (the route exists only there). */
export async function localDevKey() {
  try {
    const response = await fetch('/_local/dev-key');
    return response.ok ? (await response.json()).key : undefined;
  } catch {
    return undefined;
  }
}

export function createClient(key) {
  const request = (path, init = {}) =>
    call(path, { ...init, headers: { Authorization: `Bearer ${key}`, ...init.headers } });
  const video = (id) => `/v1/videos/${encodeURIComponent(id)}`;
  return {
    models: () => request('/v1/models'),
    styles: () => request('/v1/styles'),
    /** The prompt as enhance_prompt would rewrite it (and the style wrap it), without generating. */
    enhance: (fields) =>
      request('/v1/prompts/enhance', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(fields),
      }),
    stats: (query = {}) => {
      const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value));
      return request(`/v1/stats${params.size ? `?${params}` : ''}`);
    },
    /** A minute's token for the live event stream, and the stream's URL. */
    eventToken: () => request('/v1/events/tokens', { method: 'POST' }),
    list: (after, limit = 12) =>
      request(`/v1/videos?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`),
    get: (id) => request(video(id)),
    remove: (id) => request(video(id), { method: 'DELETE' }),
    /** This key's feedback on a video; a 404 means none yet. */
    feedback: (id) => request(`${video(id)}/feedback`),
    /** Replaces this key's feedback: criteria not sent are cleared. */
    rate: (id, feedback) =>
      request(`${video(id)}/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(feedback),
      }),
    /** The presigned URL of a finished video (a <video> plays it; the API would otherwise redirect). */
    contentUrl: (id) => request(`${video(id)}/content?redirect=false`),
    /** A new video that continues a completed one: `{video: {id}, prompt, seconds}`. */
    extend: (fields, idempotencyKey) =>
      request('/v1/videos/extensions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify(fields),
      }),
    /** JSON, or multipart when an image file is given; the idempotency key makes a repeated click harmless. */
    create(fields, image, idempotencyKey) {
      const headers = { 'Idempotency-Key': idempotencyKey };
      if (!image) {
        headers['Content-Type'] = 'application/json';
        return request('/v1/videos', { method: 'POST', headers, body: JSON.stringify(fields) });
      }
      const form = new FormData();
      // multipart is text: a list (fallback_models) goes comma-separated, as the API reads it
      for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
      form.append('input_reference', image, image.name);
      return request('/v1/videos', { method: 'POST', headers, body: form });
    },
  };
}
