import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type Item, itemSize, type PartitionMeter, readUnits, writeUnits } from './capacity-meter.ts';

/** A table's key and its indexes' partition keys (every index projects all attributes). */
export interface MeteredTable {
  partitionKey: string;
  indexes: Array<{ indexName: string; partitionKey: string }>;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const toItem = (value: unknown): Item | undefined =>
  value && typeof value === 'object'
    ? marshall(value as Record<string, unknown>, {
        removeUndefinedValues: true,
        convertClassInstanceToMap: true,
      })
    : undefined;

const keyText = (item: Item | undefined, attribute: string): string | undefined => {
  const value = item?.[attribute];
  return value?.S ?? value?.N;
};

/** A throttle DynamoDB would send: the SDK's retry strategy backs off and tries again, up to its limit. */
function throttled(keys: string[]): Error {
  const error = new Error(`Throughput exceeds the current capacity of partition ${keys.join(', ')}`);
  error.name = 'ProvisionedThroughputExceededException';
  Object.assign(error, { $metadata: { httpStatusCode: 400 }, $fault: 'client' });
  return error;
}

/**
 * Instruments a client so every request is charged to the partitions it touches (the item's, and each
 * index partition the item leaves or enters) by item size, and refused with a throttle when one of
 * them has spent its second. The store code runs unchanged on top: it is the real thing measured.
 * Item sizes before a write come from a shadow of what this client last saw of each item.
 */
export function meterDynamo(
  client: DynamoDBClient,
  meter: PartitionMeter,
  tables: Record<string, MeteredTable>,
): void {
  const shadow = new Map<string, Item>();
  const base = (table: string, pk: string | undefined) => `${table}|${pk ?? '?'}`;
  const indexKey = (table: string, index: string, pk: string | undefined) => `${table}.${index}|${pk ?? '?'}`;

  /** The partitions a request goes to before it is sent (indexes: where the item is now). */
  function partitionsOf(command: string, input: Input): { kind: 'read' | 'write'; keys: string[] } {
    const table = String(input.TableName ?? '');
    const shape = tables[table];
    if (command === 'Query' && shape) {
      const index = shape.indexes.find((i) => i.indexName === input.IndexName);
      const attribute = index?.partitionKey ?? shape.partitionKey;
      const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      let pk: string | undefined;
      for (const [, name, value] of String(input.KeyConditionExpression ?? '').matchAll(
        /([#\w]+)\s*=\s*(:\w+)/g,
      ))
        if ((names[name as string] ?? name) === attribute) pk = String(values[value as string]);
      return { kind: 'read', keys: [index ? indexKey(table, index.indexName, pk) : base(table, pk)] };
    }
    if (command === 'Scan') return { kind: 'read', keys: [`${table}|scan`] };
    if (command === 'BatchGetItem') {
      const requests = (input.RequestItems ?? {}) as Record<string, { Keys: Input[] }>;
      return {
        kind: 'read',
        keys: Object.entries(requests).flatMap(([name, { Keys }]) =>
          Keys.map((key) => base(name, keyText(toItem(key), tables[name]?.partitionKey ?? ''))),
        ),
      };
    }
    if (!shape) return { kind: 'read', keys: [] };
    const key = toItem(input.Key ?? input.Item);
    const pk = keyText(key, shape.partitionKey);
    if (command === 'GetItem') return { kind: 'read', keys: [base(table, pk)] };
    const before = shadow.get(base(table, pk));
    const indexed = shape.indexes.flatMap(({ indexName, partitionKey }) => {
      const at = keyText(before, partitionKey);
      return at === undefined ? [] : [indexKey(table, indexName, at)];
    });
    return { kind: 'write', keys: [base(table, pk), ...indexed] };
  }

  function chargeWrite(
    table: string,
    pk: string | undefined,
    before: Item | undefined,
    after: Item | undefined,
  ) {
    const shape = tables[table];
    if (!shape) return;
    const [was, is] = [itemSize(before), itemSize(after)];
    meter.charge(base(table, pk), 'write', writeUnits(was, is));
    for (const { indexName, partitionKey } of shape.indexes) {
      const [from, to] = [keyText(before, partitionKey), keyText(after, partitionKey)];
      if (from !== undefined && from === to)
        meter.charge(indexKey(table, indexName, to), 'write', writeUnits(was, is));
      else {
        if (from !== undefined) meter.charge(indexKey(table, indexName, from), 'write', writeUnits(was, 0));
        if (to !== undefined) meter.charge(indexKey(table, indexName, to), 'write', writeUnits(0, is));
      }
    }
    const key = base(table, pk);
    if (after) shadow.set(key, after);
    else shadow.delete(key);
  }

  function chargeRead(command: string, input: Input, output: Output) {
    const table = String(input.TableName ?? '');
    const consistent = input.ConsistentRead === true;
    const shape = tables[table];
    if (command === 'GetItem' && shape) {
      const item = toItem(output.Item);
      const pk = keyText(toItem(input.Key), shape.partitionKey);
      meter.charge(base(table, pk), 'read', readUnits(itemSize(item), consistent));
      if (item) shadow.set(base(table, pk), item);
      return;
    }
    if (command === 'BatchGetItem') {
      const responses = (output.Responses ?? {}) as Record<string, Input[]>;
      const asked = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
      for (const [name, items] of Object.entries(responses))
        for (const raw of items) {
          const item = toItem(raw);
          const pk = keyText(item, tables[name]?.partitionKey ?? '');
          meter.charge(
            base(name, pk),
            'read',
            readUnits(itemSize(item), asked[name]?.ConsistentRead === true),
          );
          if (item) shadow.set(base(name, pk), item);
        }
      return;
    }
    const bytes = ((output.Items ?? []) as Input[]).reduce((sum, raw) => sum + itemSize(toItem(raw)), 0);
    meter.charge(partitionsOf(command, input).keys[0] ?? `${table}|?`, 'read', readUnits(bytes, consistent));
  }

  // outermost: sees the document client's plain objects, and charges once per request that succeeded
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Input;
      const table = String(input.TableName ?? '');
      const shape = tables[table];
      const isWrite = command === 'PutItem' || command === 'UpdateItem' || command === 'DeleteItem';
      const plan = partitionsOf(command, input);
      (context as { meteredPartitions?: typeof plan }).meteredPartitions = plan;
      if (!isWrite || !shape) {
        const result = await next(args);
        if (plan.kind === 'read') chargeRead(command, input, result.output as unknown as Output);
        return result;
      }
      const pk = keyText(toItem(input.Key ?? input.Item), shape.partitionKey);
      const before = shadow.get(base(table, pk));
      // the new item's size needs the item: asked for, and taken out again when the caller did not ask
      const asked = input.ReturnValues as string | undefined;
      const inject = command === 'UpdateItem' && (asked === undefined || asked === 'NONE');
      try {
        const result = await next(inject ? { ...args, input: { ...input, ReturnValues: 'ALL_NEW' } } : args);
        const output = result.output as unknown as Output;
        let after: Item | undefined;
        if (command === 'PutItem') after = toItem(input.Item);
        else if (command === 'UpdateItem')
          after =
            asked === 'UPDATED_NEW' ? { ...before, ...toItem(output.Attributes) } : toItem(output.Attributes);
        chargeWrite(table, pk, before, after);
        if (inject) delete output.Attributes;
        return result;
      } catch (error) {
        // a failed condition is still a write DynamoDB charges for, by the item's size
        if ((error as Error).name === 'ConditionalCheckFailedException')
          meter.charge(base(table, pk), 'write', writeUnits(itemSize(before), itemSize(before)));
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'reelaySimulateCharge' },
  );

  // inside the retry loop: a refusal here is retried with the SDK's own backoff, as a real throttle is
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const plan = (context as { meteredPartitions?: { kind: 'read' | 'write'; keys: string[] } })
        .meteredPartitions;
      if (plan && !meter.admits(plan.keys, plan.kind)) throw throttled(plan.keys);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'reelaySimulateThrottle' },
  );
}
