import { createKeyResolver } from '../core/accounts/key-resolver.ts';
import { loadConfig } from '../core/config.ts';
import { commonDeps } from '../core/wiring/common.ts';
import { keyStore } from '../core/wiring/dynamodb.ts';
import { livePushFor, streamAdapters } from '../core/wiring/events.ts';
import { apiKeys } from '../core/wiring/secrets.ts';
import { sqsQueues } from '../core/wiring/sqs.ts';
import type { EventStreamDeps } from './stream.ts';

/** Only what `$connect` and `$disconnect` use: keys (the accounts table), the token key, the connections table, the event queue. */
export function eventStreamDeps(env: Record<string, string | undefined> = process.env): EventStreamDeps {
  const config = loadConfig(env);
  const common = commonDeps(config);
  const { keys } = keyStore(config);
  return {
    ...common,
    resolveKey: createKeyResolver({
      bootstrap: apiKeys(config),
      store: keys,
      cacheMs: config.accountsCacheMs,
      now: common.now,
      logger: common.logger,
    }),
    ...streamAdapters(config),
    // an over-cap key's streams are checked before it is refused (GetConnection)
    livePush: livePushFor(config),
    eventQueue: sqsQueues(config).eventQueue,
  };
}
