import { randomBytes } from 'node:crypto';
import {
  type ApiKeyRecord,
  formatApiKey,
  hashApiKey,
  keyHint,
  keyIdOf,
  TENANT_ID_PATTERN,
} from '../domain/api-key.ts';
import type { ApiKeyStore } from '../store/api-key-store.ts';

export interface IssuedKey {
  /** The key itself: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

/** Makes a new key for `tenant` and stores only its hash and public record. */
export async function issueApiKey(
  store: ApiKeyStore,
  input: { tenant: string; name?: string; now: number; random?: (size: number) => Uint8Array },
): Promise<IssuedKey> {
  if (!TENANT_ID_PATTERN.test(input.tenant)) {
    throw new Error(
      `tenant ids are 1–63 of a-z, 0-9, - and _, starting with a letter or digit: ${input.tenant}`,
    );
  }
  const key = formatApiKey((input.random ?? randomBytes)(32));
  const hash = hashApiKey(key);
  const record: ApiKeyRecord = {
    keyId: keyIdOf(hash),
    tenant: input.tenant,
    name: (input.name ?? '').slice(0, 100),
    hint: keyHint(key),
    createdAt: input.now,
  };
  await store.create(hash, record);
  return { key, record };
}
