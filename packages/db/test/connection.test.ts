// A Postgres restart or failover terminates idle pooled connections: the process must live on and reconnect.
import { createTestEnvironment, type TestEnvironment } from '@onward/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/index.ts';

let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.close());

describe('connection pool', () => {
  it('survives the server terminating its idle connections, reports them, and answers the next query', async () => {
    const errors: Error[] = [];
    const db = createDb({ connectionString: env.config.databaseUrl, applicationName: 'onward-pool-test', onIdleConnectionError: (e) => errors.push(e) });
    const admin = createDb({ connectionString: env.config.databaseUrl, maxConnections: 1 });
    try {
      await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
      const killed = await sql<{ n: number }>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'onward-pool-test'`.execute(admin);
      const n = killed.rows[0]?.n ?? 0;
      expect(n).toBeGreaterThan(0);
      const deadline = Date.now() + 5000;
      while (errors.length < n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(errors).toHaveLength(n);
      expect(errors[0]?.message).toMatch(/terminat/);
      const after = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(after.rows[0]?.one).toBe(1);
    } finally {
      await db.destroy();
      await admin.destroy();
    }
  });
});
