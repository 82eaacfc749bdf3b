/** A second tenant and its key, which every test stack accepts (test-stack.ts sets REELAY_API_KEYS). */
export const OTHER_TENANT = 'other';
export const OTHER_KEY = 'rly_other_tenant_key_000000';
