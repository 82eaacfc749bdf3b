import type { ApiKeyRecord } from '../domain/api-key.ts';

/** API keys in the accounts table, found by the SHA-256 of the key; the key itself is never stored. */
export interface ApiKeyStore {
  /** Stores a new key's record under its hash. */
  create(hash: string, record: ApiKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** One tenant's keys, or every key when `tenant` is undefined (a scan: for the admin CLI). */
  list(tenant?: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked (idempotent); undefined when there is no such key. */
  revoke(keyId: string, now: number): Promise<ApiKeyRecord | undefined>;
  /** Records a use unless one was recorded within `minIntervalMs` (a conditional write that may do nothing). */
  touch(hash: string, now: number, minIntervalMs: number): Promise<void>;
}
