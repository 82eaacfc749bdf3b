import type { KeyResolver } from './accounts/key-resolver.ts';
import type { VideoArchive } from './archive/video-archive.ts';
import type { ApiKey, Config } from './config.ts';
import type { JobPolicy } from './domain/policy.ts';
import type { Blocklist } from './domain/prompt-safety.ts';
import type { SecretBox } from './events/secret-box.ts';
import type { WebhookSender } from './events/webhook-sender.ts';
import type { FalGateway } from './fal/fal-gateway.ts';
import type { WebhookVerifier } from './fal/webhook-signature.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { UrlGuard } from './net/url-guard.ts';
import type { ArchiveQueue } from './queue/archive-queue.ts';
import type { EventQueue } from './queue/event-queue.ts';
import type { PromptModerator } from './safety/prompt-moderator.ts';
import type { ApiKeyStore } from './store/api-key-store.ts';
import type { JobStore } from './store/job-store.ts';
import type { RateLimitStore } from './store/rate-limit-store.ts';
import type { TenantStore } from './store/tenant-store.ts';
import type { UsageStore } from './store/usage-store.ts';
import type { WebhookStore } from './store/webhook-store.ts';

/** Everything the use cases touch, behind interfaces: Lambda and the local stack pass real adapters. */
export interface Deps {
  config: Config;
  /** The keys that may call the API, with their tenants; cached by the wiring. */
  apiKeys: () => Promise<ApiKey[]>;
  /** API keys in the accounts table (issued by the admin CLI). */
  keys: ApiKeyStore;
  /** A bearer key → its tenant and key id: bootstrap keys, then `keys` through a short cache. */
  resolveKey: KeyResolver;
  /** Fixed-window request counters shared by every instance (the accounts table). */
  rateLimits: RateLimitStore;
  /** The compiled prompt blocklist (config.promptBlocklist). */
  blocklist: Blocklist;
  /** The optional LLM moderation step; undefined when REELAY_MODERATION is off. */
  moderator?: PromptModerator;
  /** The SSRF guard for client URLs (image_url, callback_url): resolves and checks every address. */
  guardUrl: UrlGuard;
  policy: JobPolicy;
  jobs: JobStore;
  /** Tenants and their limit overrides; reads are cached for `config.accountsCacheMs`. */
  tenants: TenantStore;
  /** Concurrency slots, queues and daily spend, per tenant and overall (the usage table). */
  usage: UsageStore;
  archive: VideoArchive;
  archiveQueue: ArchiveQueue;
  /** Webhook endpoints, callback secrets and the delivery log. */
  webhooks: WebhookStore;
  /** Encrypts signing secrets at rest. */
  secretBox: SecretBox;
  /** Posts signed events to receivers, with the URL guard at send time. */
  sendWebhook: WebhookSender;
  eventQueue: EventQueue;
  fal: FalGateway;
  verifyFalWebhook: WebhookVerifier;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  random: () => number;
}
