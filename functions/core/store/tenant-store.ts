import type { Tenant, TenantLimits } from '../domain/tenant.ts';

/** Tenants and their limit overrides (the accounts table). */
export interface TenantStore {
  get(tenant: string): Promise<Tenant | undefined>;
  /** Creates the tenant when absent; merges the given overrides into its limits. */
  setLimits(tenant: string, limits: Partial<TenantLimits>): Promise<Tenant>;
}
