import type { Config } from '../config';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './types';

/** Options both engines take. */
export interface OpenStoreOptions {
  newUserId?: () => string;
  /** Told when an idle PostgreSQL connection breaks (the pool replaces it). */
  onIdleError?: (error: Error) => void;
}

/** The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE. */
export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<Store> {
  if (config.databaseUrl !== null) return openPostgresStore(config.databaseUrl, options);
  return openSqliteStore(config.database, options);
}
