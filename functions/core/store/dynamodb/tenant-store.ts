import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant, TenantLimits } from '../../domain/tenant.ts';
import type { TenantStore } from '../tenant-store.ts';
import { tenantPk } from './accounts-table.ts';

const LIMIT_PREFIX = 'limit_';

function fromItem(item: Record<string, unknown>): Tenant {
  const limits: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(LIMIT_PREFIX)) limits[name.slice(LIMIT_PREFIX.length)] = value;
  }
  return {
    id: String(item.tenantId),
    // only setLimits writes limit_ attributes, from a Partial<TenantLimits>
    limits: limits as Partial<TenantLimits>,
    createdAt: Number(item.createdAt),
    updatedAt: Number(item.updatedAt),
  };
}

/**
 * Tenants in the accounts table. Each limit override is its own attribute, so setting one is a single
 * atomic UpdateItem that leaves the others alone (dynalite has no transactions to lean on).
 */
export function createDynamoTenantStore(
  client: DynamoDBClient,
  tableName: string,
  now: () => number = Date.now,
): TenantStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async get(tenant) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: tenantPk(tenant) }, ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },

    async list() {
      const tenants: Tenant[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: '#kind = :tenant',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: { ':tenant': 'tenant' },
            ExclusiveStartKey: start,
          }),
        );
        tenants.push(...(page.Items ?? []).map(fromItem));
        start = page.LastEvaluatedKey;
      } while (start);
      return tenants.sort((a, b) => a.id.localeCompare(b.id));
    },

    async setLimits(tenant, limits) {
      const names: Record<string, string> = {
        '#tenantId': 'tenantId',
        '#kind': 'kind',
        '#createdAt': 'createdAt',
        '#updatedAt': 'updatedAt',
      };
      const values: Record<string, unknown> = { ':tenantId': tenant, ':kind': 'tenant', ':now': now() };
      const sets = [
        '#tenantId = :tenantId',
        '#kind = :kind',
        '#createdAt = if_not_exists(#createdAt, :now)',
        '#updatedAt = :now',
      ];
      Object.entries(limits).forEach(([name, value], index) => {
        if (value === undefined) return;
        names[`#l${index}`] = `${LIMIT_PREFIX}${name}`;
        values[`:l${index}`] = value;
        sets.push(`#l${index} = :l${index}`);
      });
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: tenantPk(tenant) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    },
  };
}

/**
 * Keeps each tenant for `ttlMs` in this process, so a create costs no extra read; a limit an operator
 * sets takes effect within that time.
 */
export function cachedTenantStore(store: TenantStore, ttlMs: number, now: () => number): TenantStore {
  const cache = new Map<string, { tenant: Tenant | undefined; until: number }>();
  // concurrent misses share one read: when the entry expires under load, one read refreshes it, not one per request
  const reading = new Map<string, Promise<Tenant | undefined>>();
  return {
    async get(tenant) {
      const hit = cache.get(tenant);
      if (hit && hit.until > now()) return hit.tenant;
      let read = reading.get(tenant);
      if (!read) {
        read = store
          .get(tenant)
          .then((found) => {
            cache.set(tenant, { tenant: found, until: now() + ttlMs });
            return found;
          })
          .finally(() => reading.delete(tenant));
        reading.set(tenant, read);
      }
      return read;
    },
    list: () => store.list(),
    async setLimits(tenant, limits) {
      const updated = await store.setLimits(tenant, limits);
      cache.set(tenant, { tenant: updated, until: now() + ttlMs });
      return updated;
    },
  };
}
