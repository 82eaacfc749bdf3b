/**
 * The usage table's shape, shared by the store, the CDK stack and the local stack. One small item per
 * pool: `tenant#<id>` for each tenant that has run a job, and `global` for the whole deployment. Each
 * holds the pool's slot holders, its queue and its spend for the current UTC day.
 */
export const USAGE_TABLE = {
  partitionKey: 'pk',
} as const;
