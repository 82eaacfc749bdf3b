import type { KeyResolver } from './accounts/key-resolver.ts';
import type { VideoArchive } from './archive/video-archive.ts';
import type { ApiKey, Config } from './config.ts';
import type { PromptEnhancer } from './creative/prompt-enhancer.ts';
import type { JobPolicy } from './domain/policy.ts';
import type { Blocklist } from './domain/prompt-safety.ts';
import type { StyleCatalog } from './domain/styles.ts';
import type { SecretBox } from './events/secret-box.ts';
import type { WebhookSender } from './events/webhook-sender.ts';
import type { FalAccountPin } from './fal/account-pin.ts';
import type { FalBilling } from './fal/billing.ts';
import type { FalGateway } from './fal/fal-gateway.ts';
import type { WebhookVerifier } from './fal/webhook-signature.ts';
import type { LivePush } from './live/live-push.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { UrlGuard } from './net/url-guard.ts';
import type { ArchiveQueue } from './queue/archive-queue.ts';
import type { EventQueue } from './queue/event-queue.ts';
import type { FollowUpQueue } from './queue/follow-up-queue.ts';
import type { PromptModerator } from './safety/prompt-moderator.ts';
import type { ApiKeyStore } from './store/api-key-store.ts';
import type { ConnectionStore } from './store/connection-store.ts';
import type { FeedbackStore } from './store/feedback-store.ts';
import type { JobStore } from './store/job-store.ts';
import type { RateLimitStore } from './store/rate-limit-store.ts';
import type { StatsStore } from './store/stats-store.ts';
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
  /** Style presets: the built-in ones and the operator's (config.styles). */
  styles: StyleCatalog;
  /** Rewrites ideas into rich prompts (`enhance_prompt`, POST /v1/prompts/enhance). */
  enhancer: PromptEnhancer;
  /** The SSRF guard for client URLs (image_url, callback_url): resolves and checks every address. */
  guardUrl: UrlGuard;
  policy: JobPolicy;
  jobs: JobStore;
  /** Tenants and their limit overrides; reads are cached for `config.accountsCacheMs`. */
  tenants: TenantStore;
  /** Concurrency slots, queues and daily spend, per tenant and overall (the usage table). */
  usage: UsageStore;
  /** Ratings of videos, one per key per video (the jobs table). */
  feedback: FeedbackStore;
  /** Statistics counters, added to as jobs end and feedback comes (the jobs table). */
  stats: StatsStore;
  archive: VideoArchive;
  archiveQueue: ArchiveQueue;
  /** Work found for other jobs, handed to the follow-up worker (never done inside a request). */
  followUps: FollowUpQueue;
  /** Webhook endpoints, callback secrets and the delivery log. */
  webhooks: WebhookStore;
  /** Encrypts signing secrets at rest. */
  secretBox: SecretBox;
  /** Posts signed events to receivers, with the URL guard at send time. */
  sendWebhook: WebhookSender;
  eventQueue: EventQueue;
  /** Open event streams (GET /v1/events), by tenant. */
  connections: ConnectionStore;
  /** Posts to one open event stream. */
  livePush: LivePush;
  fal: FalGateway;
  /** What fal billed: a request's billable units and an endpoint's unit price. */
  billing: FalBilling;
  verifyFalWebhook: WebhookVerifier;
  /** The fal account whose webhooks are accepted (configured or learnt). */
  falAccount: FalAccountPin;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  random: () => number;
}

/**
 * What the job engine uses to move jobs on (submit, pump the queues, reconcile, follow-up work): no
 * S3 and nothing of the API's (keys, rate limits, moderation). The reconciler and the follow-up
 * worker wire exactly this.
 */
export type EngineDeps = Pick<
  Deps,
  | 'config'
  | 'policy'
  | 'logger'
  | 'metrics'
  | 'now'
  | 'random'
  | 'jobs'
  | 'usage'
  | 'stats'
  | 'tenants'
  | 'archiveQueue'
  | 'followUps'
  | 'eventQueue'
  | 'fal'
>;
