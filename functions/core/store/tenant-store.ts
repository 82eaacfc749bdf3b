import type { Tenant, TenantLimits } from '../domain/tenant.ts';

/** Tenants and their limit overrides (the accounts table). */
export interface TenantStore {
  get(tenant: string): Promise<Tenant | undefined>;
  /** Every tenant, by id (a scan: for the admin CLI, never a request's path). */
  list(): Promise<Tenant[]>;
  /** Creates the tenant when absent; merges the given overrides into its limits. */
  setLimits(tenant: string, limits: Partial<TenantLimits>): Promise<Tenant>;
}
