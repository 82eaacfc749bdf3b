/**
 * The connections table's shape, shared by the store, the CDK stack and the local stack: one item per
 * open event stream (`GET /v1/events`), listed by tenant, dropped by TTL when `$disconnect` never came.
 */
export const CONNECTIONS_TABLE = {
  partitionKey: 'connectionId',
  byTenant: { indexName: 'byTenant', partitionKey: 'tenant', sortKey: 'connectionId' },
  ttlAttribute: 'expiresAt',
} as const;
