// Session lookups are remembered per API process, yet every revocation reaches every process at once: two API
// processes (apps) share one database and Redis, with a cache TTL of a minute so that only the pub/sub
// invalidation can explain an immediate refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app.ts';
import { type AppDeps, createDeps } from '../src/deps.ts';
import { newSessionToken, SESSION_COOKIE } from '../src/accounts/session-tokens.ts';
import { GOOD_PASSWORD, sessionCookieOf, signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let other: { app: App; deps: AppDeps };
let adminCookie: string;

beforeAll(async () => {
  api = await startTestApi({ SESSION_CACHE_MS: '60000' });
  const deps = createDeps(api.env.config);
  other = { deps, app: await buildApp(api.env.config, { deps }) };
  adminCookie = await signUp(api.app, 'cache_admin');
  await api.deps.users.setRole((await api.deps.users.findUserByHandle('cache_admin'))!.id, 'admin');
});
afterAll(async () => {
  await other?.app.close();
  await other?.deps.close();
  await api?.close();
});

const get = (app: App, url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });

/** Pub/sub delivery takes a moment; "at once" here means well under a second, against a 60 s cache. */
async function eventually(check: () => Promise<boolean>) {
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

async function idOf(handle: string) {
  return (await api.deps.users.findUserByHandle(handle))!.id;
}

describe('session cache', () => {
  it('answers from memory within its TTL (a row removed behind its back still works there, not elsewhere)', async () => {
    const cookie = await signUp(api.app, 'cache_warm');
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
    // Deleting the row directly bypasses every announced path: only an uncached lookup can notice.
    await api.deps.db.deleteFrom('sessions').where('user_id', '=', await idOf('cache_warm')).execute();
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
    expect((await get(api.app, '/me', cookie)).statusCode).toBe(401);
  });

  it('never serves a session past its expiry, even when cached', async () => {
    await signUp(api.app, 'cache_expiring');
    const { token, tokenHash } = newSessionToken();
    await api.deps.sessions.insertSession({ userId: await idOf('cache_expiring'), tokenHash, expiresAt: new Date(Date.now() + 400) });
    const cookie = `${SESSION_COOKIE}=${token}`;
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(401);
  });

  it('logout on one process ends the session on every process at once', async () => {
    const cookie = await signUp(api.app, 'cache_logout');
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    expect(await eventually(async () => (await get(other.app, '/me', cookie)).statusCode === 401)).toBe(true);
  });

  it('a demoted reviewer loses the review queue on every process at once', async () => {
    const cookie = await signUp(api.app, 'cache_reviewer');
    await api.app.inject({ method: 'PUT', url: '/admin/users/cache_reviewer/role', headers: { cookie: adminCookie }, payload: { role: 'reviewer' } });
    expect(await eventually(async () => (await get(other.app, '/review/queue', cookie)).statusCode === 200)).toBe(true);
    const demoted = await api.app.inject({
      method: 'PUT',
      url: '/admin/users/cache_reviewer/role',
      headers: { cookie: adminCookie },
      payload: { role: 'member' },
    });
    expect(demoted.statusCode).toBe(200);
    expect(await eventually(async () => (await get(other.app, '/review/queue', cookie)).statusCode === 403)).toBe(true);
  });

  it('a verified-professional flag shows on every process at once', async () => {
    const cookie = await signUp(api.app, 'cache_clinician');
    expect((await get(other.app, '/me', cookie)).json().user.verifiedProfessional).toBe(false);
    await api.app.inject({
      method: 'PUT',
      url: '/admin/users/cache_clinician/verified-professional',
      headers: { cookie: adminCookie },
      payload: { verifiedProfessional: true },
    });
    expect(await eventually(async () => (await get(other.app, '/me', cookie)).json().user?.verifiedProfessional === true)).toBe(true);
  });

  it('a password change signs out the other sessions on every process, and keeps the current one', async () => {
    const first = await signUp(api.app, 'cache_password');
    const login = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'cache_password', password: GOOD_PASSWORD } });
    const second = sessionCookieOf(login.headers['set-cookie']);
    expect((await get(other.app, '/me', first)).statusCode).toBe(200);
    expect((await get(other.app, '/me', second)).statusCode).toBe(200);
    const changed = await api.app.inject({
      method: 'PUT',
      url: '/me/password',
      headers: { cookie: second },
      payload: { currentPassword: GOOD_PASSWORD, newPassword: 'another-calm-morning-walk' },
    });
    expect(changed.statusCode).toBe(204);
    expect(await eventually(async () => (await get(other.app, '/me', first)).statusCode === 401)).toBe(true);
    expect((await get(other.app, '/me', second)).statusCode).toBe(200);
  });

  it('a deleted account is signed out on every process at once', async () => {
    const cookie = await signUp(api.app, 'cache_leaver');
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
    const gone = await api.app.inject({ method: 'DELETE', url: '/me', headers: { cookie }, payload: { password: GOOD_PASSWORD } });
    expect(gone.statusCode).toBe(204);
    expect(await eventually(async () => (await get(other.app, '/me', cookie)).statusCode === 401)).toBe(true);
  });

  it('does not remember unknown tokens (no memory growth from guessing)', async () => {
    for (let i = 0; i < 20; i++) {
      const { token } = newSessionToken();
      expect((await get(other.app, '/me', `${SESSION_COOKIE}=${token}`)).statusCode).toBe(401);
    }
    // A session created after a miss for its token is found at once: the miss was not cached.
    await signUp(api.app, 'cache_late');
    const { token, tokenHash } = newSessionToken();
    const cookie = `${SESSION_COOKIE}=${token}`;
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(401);
    await api.deps.sessions.insertSession({ userId: await idOf('cache_late'), tokenHash, expiresAt: new Date(Date.now() + 60_000) });
    expect((await get(other.app, '/me', cookie)).statusCode).toBe(200);
  });
});
