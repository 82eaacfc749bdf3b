/**
 * The accounts table's shape, shared by the stores, the CDK stack, the local stack and the admin CLI.
 * One table, one string partition key, three kinds of item told apart by the key's prefix:
 * - `tenant#<id>`: a tenant and its limit overrides (`limit_<name>` attributes);
 * - `key#<sha-256 hex of the API key>`: an API key, found by hashing what the client sends;
 * - `rate#<scope>#<window start>`: a fixed-window request counter, dropped by TTL after its window.
 */
export const ACCOUNTS_TABLE = {
  partitionKey: 'pk',
  /** A tenant's keys (sparse: only key items carry `keyTenant`), for `keys list --tenant`. */
  keysByTenant: { indexName: 'keysByTenant', partitionKey: 'keyTenant', sortKey: 'keyId' },
  /** Epoch seconds after which DynamoDB may drop an item (rate counters); the table's TTL attribute at deploy. */
  ttlAttribute: 'expiresAt',
} as const;

export const tenantPk = (tenant: string) => `tenant#${tenant}`;
export const keyPk = (hash: string) => `key#${hash}`;
export const ratePk = (scope: string, windowStart: number) => `rate#${scope}#${windowStart}`;
