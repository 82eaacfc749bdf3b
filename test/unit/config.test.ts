import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseApiKeys } from '../../functions/core/config.ts';

describe('config', () => {
  it('fills fal’s real endpoints and the documented defaults', () => {
    const config = loadConfig({});
    expect(config.fal).toMatchObject({
      queueUrl: 'https://queue.fal.run',
      restUrl: 'https://rest.fal.ai',
      jwksUrl: 'https://rest.fal.ai/.well-known/jwks.json',
    });
    expect(config).toMatchObject({
      maxJobAgeSeconds: 7_200,
      maxGenerationAttempts: 3,
      downloadUrlTtlSeconds: 3_600,
      allowLocalUrls: false,
    });
  });

  it('parses API keys with and without a tenant', () => {
    expect(parseApiKeys('acme:rly_aaaaaaaaaaaaaaaa, rly_bbbbbbbbbbbbbbbb')).toEqual([
      { tenant: 'acme', key: 'rly_aaaaaaaaaaaaaaaa' },
      { tenant: 'default', key: 'rly_bbbbbbbbbbbbbbbb' },
    ]);
  });

  it('refuses bad values, listing every problem at once', () => {
    const attempt = () =>
      loadConfig({
        FAL_QUEUE_URL: 'not a url',
        REELAY_API_KEYS: 'acme:short',
        REELAY_DOWNLOAD_URL_TTL_SECONDS: '7200',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/FAL_QUEUE_URL[\s\S]*REELAY_API_KEYS[\s\S]*REELAY_DOWNLOAD_URL_TTL_SECONDS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PUBLIC_URL: '', FAL_KEY: '' })).toMatchObject({
      publicUrl: undefined,
      fal: { key: undefined },
    });
  });

  it('client webhooks: Standard Webhooks’ schedule, a 10 s timeout and 10 endpoints by default; a bad schedule is refused', () => {
    expect(loadConfig({}).webhooks).toMatchObject({
      table: 'reelay-webhooks',
      retryDelaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      timeoutMs: 10_000,
      maxEndpoints: 10,
    });
    expect(loadConfig({ REELAY_WEBHOOK_RETRY_SCHEDULE: '0.5, 1,2' }).webhooks.retryDelaysMs).toEqual([
      500, 1_000, 2_000,
    ]);
    for (const bad of ['5,x', '-1', '90000', Array.from({ length: 21 }, () => '1').join(',')])
      expect(() => loadConfig({ REELAY_WEBHOOK_RETRY_SCHEDULE: bad }), bad).toThrow(
        /REELAY_WEBHOOK_RETRY_SCHEDULE/,
      );
    expect(() => loadConfig({ REELAY_WEBHOOK_SECRETS_KEY: 'too short' })).toThrow(
      /REELAY_WEBHOOK_SECRETS_KEY/,
    );
  });
});
