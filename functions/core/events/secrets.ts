import type { Deps } from '../deps.ts';
import {
  type CallbackSecret,
  liveSecrets,
  newSigningSecret,
  rotatedSecrets,
  type StoredSecret,
  secretHint,
} from '../domain/webhook-endpoint.ts';

/** A fresh signing secret: the plaintext (shown once) and what is stored of it. */
export async function newSecret(
  deps: Pick<Deps, 'secretBox'>,
  now: number,
): Promise<{ secret: string; stored: StoredSecret }> {
  const secret = newSigningSecret();
  return {
    secret,
    stored: { sealed: await deps.secretBox.seal(secret), hint: secretHint(secret), createdAt: now },
  };
}

/** The plaintext of every secret that signs at `now`, current first. */
export function openLive(
  deps: Pick<Deps, 'secretBox'>,
  secrets: StoredSecret[],
  now: number,
): Promise<string[]> {
  return Promise.all(liveSecrets(secrets, now).map((secret) => deps.secretBox.open(secret.sealed)));
}

const MAX_CONFLICTS = 5;

/** The tenant's callback secret, made on first use (by the API or by the first callback delivery). */
export async function callbackSecret(
  deps: Pick<Deps, 'webhooks' | 'secretBox' | 'now'>,
  tenant: string,
): Promise<CallbackSecret> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const existing = await deps.webhooks.getCallbackSecret(tenant);
    if (existing) return existing;
    const { stored } = await newSecret(deps, deps.now());
    const created: CallbackSecret = { tenant, secrets: [stored], version: 1 };
    if (await deps.webhooks.saveCallbackSecret(created)) return created;
  }
  throw new Error(`callback secret of ${tenant}: gave up after ${MAX_CONFLICTS} conflicting writes`);
}

/** A new callback secret; the old one keeps signing for 24 h when `keepOld`. Answers the new plaintext. */
export async function rotateCallbackSecret(
  deps: Pick<Deps, 'webhooks' | 'secretBox' | 'now'>,
  tenant: string,
  keepOld: boolean,
): Promise<{ record: CallbackSecret; secret: string }> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const current = await callbackSecret(deps, tenant);
    const now = deps.now();
    const { secret, stored } = await newSecret(deps, now);
    const record = {
      ...current,
      secrets: rotatedSecrets(current.secrets, stored, keepOld, now),
      version: current.version + 1,
    };
    if (await deps.webhooks.saveCallbackSecret(record)) return { record, secret };
  }
  throw new Error(`callback secret of ${tenant}: gave up after ${MAX_CONFLICTS} conflicting writes`);
}
