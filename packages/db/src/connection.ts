// One Kysely instance over a pg pool.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// bigint identity columns (audit ids) come back as strings; counts we cast explicitly.
export interface DbOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
  /** Told when an idle pooled connection breaks (Postgres restarted, failover); the pool replaces it by itself. */
  onIdleConnectionError?: (error: Error) => void;
}

export function createDb(options: DbOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'onward',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // Without a listener, an idle connection terminated by the server (restart, failover, pg_terminate_backend) is an
  // unhandled 'error' event that ends the process; the broken client is already removed from the pool.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export type Db = Kysely<Database>;
