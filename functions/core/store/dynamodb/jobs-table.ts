/**
 * The jobs table's shape, shared by the store, the CDK stack and the local stack so they cannot drift.
 * Both indexes are sparse: an item carries an index's key only while it belongs in that index.
 */
export const JOBS_TABLE = {
  partitionKey: 'id',
  /** A tenant's visible videos by id (= creation time). Removed on delete. */
  byTenant: { indexName: 'byTenant', partitionKey: 'listTenant', sortKey: 'id' },
  /**
   * Active jobs by state and the time they are next due. Removed when terminal. Jobs waiting for a
   * concurrency slot sit in the `waiting` partition instead, due from when they started waiting;
   * ended jobs whose event is not yet delivered sit in `outbox`, due when their delivery is.
   */
  byDue: {
    indexName: 'byDue',
    partitionKey: 'activeState',
    sortKey: 'dueAt',
    waitingPartition: 'waiting',
    outboxPartition: 'outbox',
  },
  /** Epoch seconds after which DynamoDB may drop a deleted job's tombstone (set as the table's TTL attribute at deploy). */
  ttlAttribute: 'expiresAt',
} as const;
