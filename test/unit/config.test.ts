import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ConfigError, loadConfig, parseApiKeys, SETTINGS } from '../../functions/core/config.ts';

describe('config', () => {
  it('fills fal’s real endpoints and the documented defaults', () => {
    const config = loadConfig({});
    expect(config.fal).toMatchObject({
      queueUrl: 'https://queue.fal.run',
      restUrl: 'https://rest.fal.ai',
      jwksUrl: 'https://rest.fal.ai/.well-known/jwks.json',
      jwksMaxAgeMs: 86_400_000,
    });
    expect(loadConfig({ FAL_JWKS_MAX_AGE_SECONDS: '7200' }).fal.jwksMaxAgeMs).toBe(7_200_000);
    // below the cache's own lifetime (1 h) the bound would mean nothing
    expect(() => loadConfig({ FAL_JWKS_MAX_AGE_SECONDS: '60' })).toThrow(/FAL_JWKS_MAX_AGE_SECONDS/);
    expect(config).toMatchObject({
      maxJobAgeSeconds: 7_200,
      maxGenerationAttempts: 3,
      downloadUrlTtlSeconds: 3_600,
      allowLocalUrls: false,
    });
  });

  it.each(Object.keys(SETTINGS) as Array<keyof typeof SETTINGS>)(
    '%s unset is what its schema gives for no value (the schema is only built when the variable is set)',
    (name) => {
      const setting = SETTINGS[name];
      expect(setting.unset()).toEqual(z.parse(setting.schema(), undefined));
      expect(loadConfig({})).toEqual(loadConfig({ [name]: '' }));
    },
  );

  it('checks every setting that is set, whichever they are, and lists each problem', () => {
    const error = (() => {
      try {
        loadConfig({ REELAY_JOBS_TABLE: 'ab', REELAY_THUMBNAILS: 'maybe', FAL_QUEUE_URL: 'not a url' });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['REELAY_JOBS_TABLE', 'REELAY_THUMBNAILS', 'FAL_QUEUE_URL'])
      expect((error as Error).message).toContain(`${name}:`);
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

  it('leases an archive for a minute, renewed every third of it, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ archiveLeaseSeconds: 60, archiveLeaseRenewSeconds: 20 });
    expect(loadConfig({ REELAY_ARCHIVE_LEASE_SECONDS: '90' }).archiveLeaseRenewSeconds).toBe(30);
    expect(
      loadConfig({ REELAY_ARCHIVE_LEASE_SECONDS: '30', REELAY_ARCHIVE_LEASE_RENEW_SECONDS: '5' }),
    ).toMatchObject({ archiveLeaseSeconds: 30, archiveLeaseRenewSeconds: 5 });
    // a renewal that comes after the lease ran out keeps nothing
    expect(() =>
      loadConfig({ REELAY_ARCHIVE_LEASE_SECONDS: '30', REELAY_ARCHIVE_LEASE_RENEW_SECONDS: '30' }),
    ).toThrow(/REELAY_ARCHIVE_LEASE_RENEW_SECONDS/);
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
