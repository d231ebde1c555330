// Health, readiness, headers, request ids, logs without secrets, the OpenAPI document.
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment } from '@onward/testkit';
import { buildApp } from '../src/app.ts';
import { renderOpenApiDocument } from '../src/openapi-document.ts';
import { GOOD_PASSWORD, sessionCookieOf, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
let logs = '';
const logStream = new Writable({
  write(chunk, _enc, done) {
    logs += chunk.toString();
    done();
  },
});

beforeAll(async () => {
  api = await startTestApi({ LOG_LEVEL: 'trace' }, { logStream });
});
afterAll(async () => api?.close());

describe('health', () => {
  it('is live and ready when Postgres, Redis and S3 answer', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', s3: 'ok' } });
  });

  it('is not ready (503) and says which part is down', async () => {
    const env = await createTestEnvironment({ S3_ENDPOINT: 'http://127.0.0.1:9', REDIS_URL: 'redis://127.0.0.1:9' });
    const app = await buildApp(env.config);
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'unavailable', s3: 'unavailable' } });
    } finally {
      await app.close();
      await env.close().catch(() => {});
    }
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers, no caching of API answers, and a request id', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await api.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-me-1234' } });
    expect(traced.headers['x-request-id']).toBe('trace-me-1234');
  });

  it('answers unknown routes and wrong content types with the error envelope', async () => {
    const missing = await api.app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('route_not_found');
    const xml = await api.app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');
  });

  it('never writes passwords, session tokens or cookies to the logs', async () => {
    const password = 'my-secret-recovery-phrase';
    const signup = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'log_watcher', password } });
    const cookie = sessionCookieOf(signup.headers['set-cookie']);
    await api.app.inject({ method: 'GET', url: '/me', headers: { cookie, 'x-request-id': 'log-check-0001' } });
    await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'log_watcher', password: `${password}-wrong` } });
    await api.app.inject({ method: 'PUT', url: '/me/password', headers: { cookie }, payload: { currentPassword: password, newPassword: GOOD_PASSWORD } });
    expect(logs).toContain('log-check-0001');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(GOOD_PASSWORD);
    expect(logs).not.toContain(cookie.split('=')[1]);
  });
});

describe('OpenAPI', () => {
  it('is served and the committed services/api/openapi.json is up to date (run `npm run openapi`)', async () => {
    const served = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.statusCode).toBe(200);
    expect(served.json().paths['/auth/signup']).toBeDefined();
    const committed = await readFile(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(await renderOpenApiDocument());
  });
});
