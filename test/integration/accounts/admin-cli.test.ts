import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin, UsageError } from '../../../dev/admin/cli.ts';
import { hashApiKey } from '../../../functions/core/domain/api-key.ts';
import type { TenantLimits } from '../../../functions/core/domain/tenant.ts';
import { createDynamoApiKeyStore } from '../../../functions/core/store/dynamodb/api-key-store.ts';
import { createDynamoTenantStore } from '../../../functions/core/store/dynamodb/tenant-store.ts';
import { type AccountsDb, startAccountsDb } from '../../support/accounts-db.ts';

const defaults: TenantLimits = {
  requestsPerMinute: 60,
  createsPerMinute: 10,
  maxActiveJobs: 5,
  maxQueuedJobs: 50,
  dailyBudgetUsd: 50,
  mayDisableSafetyChecker: false,
  strictPromptEnhancement: false,
};

describe('admin CLI', () => {
  let db: AccountsDb;
  let lines: string[];
  const admin = (...argv: string[]) => {
    lines = [];
    return runAdmin(argv, {
      keys: createDynamoApiKeyStore(db.client, db.table),
      tenants: createDynamoTenantStore(db.client, db.table, () => Date.UTC(2026, 10, 21)),
      defaults,
      now: () => Date.UTC(2026, 10, 21),
      print: (line) => lines.push(line),
    });
  };
  beforeAll(async () => {
    db = await startAccountsDb();
  });
  afterAll(() => db.close());

  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    await admin('keys', 'create', '--tenant', 'acme', '--name', 'backend');
    const key = lines.find((line) => line.trim().startsWith('rly_'))?.trim() ?? '';
    expect(key).toMatch(/^rly_/);
    const keyId = /created (key_[0-9a-f]{16})/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(keyId).not.toBe('');
    const stored = await createDynamoApiKeyStore(db.client, db.table).findByHash(hashApiKey(key));
    expect(stored?.tenant).toBe('acme');

    await admin('keys', 'list', '--tenant', 'acme');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(keyId);
    expect(lines[0]).toContain('"backend"');
    expect(lines[0]).toContain('active');
    expect(lines.join('\n')).not.toContain(key);

    await admin('keys', 'revoke', keyId);
    expect(lines[0]).toContain(`revoked ${keyId}`);
    await admin('keys', 'list');
    expect(lines.find((line) => line.includes(keyId))).toContain('revoked 2026-11-21');
  });

  it('sets a tenant’s limits and shows the effective ones', async () => {
    await admin(
      'tenants',
      'set-limits',
      'acme',
      '--requests-per-minute',
      '120',
      '--may-disable-safety-checker',
      'true',
    );
    const shown = JSON.parse(lines.join('\n'));
    expect(shown.overrides).toEqual({ requestsPerMinute: 120, mayDisableSafetyChecker: true });
    expect(shown.effective).toEqual({ ...defaults, requestsPerMinute: 120, mayDisableSafetyChecker: true });
    await admin('tenants', 'get', 'acme');
    expect(JSON.parse(lines.join('\n')).effective.requestsPerMinute).toBe(120);
    await admin('tenants', 'list');
    expect(lines).toEqual([
      'acme  {"requestsPerMinute":120,"mayDisableSafetyChecker":true}  created 2026-11-21T00:00:00.000Z',
    ]);
  });

  it('refuses bad input with a usage error', async () => {
    await expect(admin('keys', 'create')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('keys', 'create', '--tenant', 'Bad Tenant')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('keys', 'revoke', 'nope')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('keys', 'revoke', 'key_0000000000000000')).rejects.toThrow(/no key/);
    await expect(admin('tenants', 'set-limits', 'acme', '--creates-per-minute', '0')).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(admin('tenants', 'set-limits', 'acme')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('keys', 'create', '--bogus')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('frobnicate')).rejects.toBeInstanceOf(UsageError);
  });
});
