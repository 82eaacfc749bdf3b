import type { Connection } from '../domain/connection.ts';

/** Open event streams (the connections table). */
export interface ConnectionStore {
  put(connection: Connection): Promise<void>;
  remove(connectionId: string): Promise<void>;
  get(connectionId: string): Promise<Connection | undefined>;
  /** The tenant's connections not yet expired at `now`. */
  listByTenant(tenant: string, now: number): Promise<Connection[]>;
}
