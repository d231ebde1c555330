// Builds a real API (own database, Redis prefix and bucket) for one test file.
import type { Env } from '@onward/config';
import { createTestEnvironment, type TestEnvironment } from '@onward/testkit';
import { type App, type BuildOptions, buildApp } from '../src/app.ts';
import { type AppDeps, createDeps } from '../src/deps.ts';

export interface TestApi {
  app: App;
  deps: AppDeps;
  env: TestEnvironment;
  close(): Promise<void>;
}

export async function startTestApi(overrides: Env = {}, options: Omit<BuildOptions, 'deps'> = {}): Promise<TestApi> {
  const env = await createTestEnvironment(overrides);
  const deps = createDeps(env.config);
  await deps.storage.ensureBucket();
  const app = await buildApp(env.config, { ...options, deps });
  return {
    app,
    deps,
    env,
    async close() {
      await app.close();
      await deps.close();
      await env.close();
    },
  };
}

export const GOOD_PASSWORD = 'steady-steps-every-day';

/** Signs up and returns the session cookie header value to send as that user. */
export async function signUp(app: App, handle: string, password = GOOD_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { handle, password } });
  if (res.statusCode !== 201) throw new Error(`signup of ${handle} failed: ${res.statusCode} ${res.body}`);
  return sessionCookieOf(res.headers['set-cookie']);
}

export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const session = all.find((c) => c.startsWith('onward_session='));
  if (!session) throw new Error('no session cookie was set');
  return session.split(';')[0] ?? '';
}
