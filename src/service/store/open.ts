/** Chooses the store: PostgreSQL when a database URL is configured, else SQLite in the data directory. */
import { join } from 'node:path';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface StoreSelection {
  dataDir: string;
  /** `postgres://` or `postgresql://` (from `--database-url` or `DATABASE_URL`). */
  databaseUrl?: string;
}

/** Opens (and migrates) the configured store. @throws Error when the database cannot be reached or migrated. */
export async function openStore(sel: StoreSelection, opts: { onError?: (err: Error) => void } = {}): Promise<Store> {
  if (sel.databaseUrl) return openPostgresStore(sel.databaseUrl, opts.onError ? { onError: opts.onError } : {});
  return openSqliteStore(join(sel.dataDir, 'posture.db'));
}

/** A one-line description for logs, without credentials: `postgres (host:port/db)` or `sqlite (path)`. */
export function describeStore(sel: StoreSelection): string {
  if (!sel.databaseUrl) return `sqlite (${join(sel.dataDir, 'posture.db')})`;
  try {
    const u = new URL(sel.databaseUrl);
    return `postgres (${u.host || 'local socket'}${u.pathname})`;
  } catch {
    return 'postgres';
  }
}
