import type { Deps } from '../deps.ts';

/** How long a token from POST /v1/events/tokens opens a stream: long enough to connect, no longer. */
export const STREAM_TOKEN_TTL_MS = 60_000;

const PREFIX = 'evtok_';

export interface StreamToken {
  token: string;
  expiresAt: number;
}

/** Whose a token is, once it is read. */
export interface StreamGrant {
  tenant: string;
  keyId: string;
}

/**
 * A short-lived stand-in for the API key where a client cannot send headers (a browser's WebSocket):
 * sealed (AES-GCM) with the key that seals webhook secrets, so it carries its tenant and expiry and
 * needs no table; it may sit in a URL, which the API key never does.
 */
export async function issueStreamToken(
  deps: Pick<Deps, 'secretBox' | 'now'>,
  grant: StreamGrant,
): Promise<StreamToken> {
  const expiresAt = deps.now() + STREAM_TOKEN_TTL_MS;
  const sealed = await deps.secretBox.seal(JSON.stringify({ t: grant.tenant, k: grant.keyId, e: expiresAt }));
  return { token: `${PREFIX}${sealed}`, expiresAt };
}

/** The token's grant; undefined when it is not one of ours, was tampered with, or has expired. */
export async function readStreamToken(
  deps: Pick<Deps, 'secretBox' | 'now'>,
  token: string,
): Promise<StreamGrant | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 512) return undefined;
  try {
    const parsed: unknown = JSON.parse(await deps.secretBox.open(token.slice(PREFIX.length)));
    if (
      parsed &&
      typeof parsed === 'object' &&
      'e' in parsed &&
      'k' in parsed &&
      't' in parsed &&
      typeof parsed.e === 'number' &&
      typeof parsed.k === 'string' &&
      typeof parsed.t === 'string' &&
      parsed.e > deps.now()
    )
      return { tenant: parsed.t, keyId: parsed.k };
  } catch {
    // a forged or garbled token is simply not valid
  }
  return undefined;
}
