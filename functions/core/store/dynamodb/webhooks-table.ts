/**
 * The webhooks table's shape, shared by the store, the CDK stack and the local stack. One string
 * partition key, kinds of item told apart by its prefix:
 * - `endpoint#<whe_id>`: a tenant's webhook endpoint (listed by `owner` = `tenant#<id>`);
 * - `callback#<tenant>`: the tenant's callback_url signing secret;
 * - `attempt#<endpoint>#<event>#<n>`: one delivery attempt (listed by `owner` = `attempts#<endpoint>`),
 *   dropped by TTL after a month.
 */
export const WEBHOOKS_TABLE = {
  partitionKey: 'pk',
  byOwner: { indexName: 'byOwner', partitionKey: 'owner', sortKey: 'sk' },
  ttlAttribute: 'expiresAt',
} as const;
