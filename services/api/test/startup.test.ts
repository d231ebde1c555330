// The real entry points: the API refuses to start on bad configuration; create-admin makes the first admin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GOOD_PASSWORD, startTestApi, type TestApi } from './api-harness.ts';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(script: string, args: string[], env: Record<string, string | undefined>, stdin = '') {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(tsx, [script, ...args], { cwd: apiDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.stdin.end(stdin);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

it('stops at start-up with a message naming each missing variable in production', async () => {
  const { code, output } = await run('src/server.ts', [], { NODE_ENV: 'production' });
  expect(code).toBe(1);
  expect(output).toContain('DATABASE_URL is required');
  expect(output).toContain('REDIS_URL is required');
  expect(output).toContain('S3_ENDPOINT is required');
});

it('stops at start-up naming a variable with an invalid value', async () => {
  const { code, output } = await run('src/server.ts', [], { API_PORT: 'not-a-port' });
  expect(code).toBe(1);
  expect(output).toContain('API_PORT must be a whole number');
});

it('creates the first admin from the command line, then promotes an existing account', async () => {
  const created = await run('src/cli/create-admin.ts', ['first_admin'], api.env.env, `${GOOD_PASSWORD}\n`);
  expect(created.output).toContain('Created admin first_admin');
  expect(created.code).toBe(0);
  const login = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'first_admin', password: GOOD_PASSWORD } });
  expect(login.json().user.role).toBe('admin');

  await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'promote_me', password: GOOD_PASSWORD } });
  const promoted = await run('src/cli/create-admin.ts', ['promote_me'], api.env.env, '');
  expect(promoted.code).toBe(0);
  expect((await api.deps.users.findUserByHandle('promote_me'))!.role).toBe('admin');

  const weak = await run('src/cli/create-admin.ts', ['weak_admin'], api.env.env, 'short\n');
  expect(weak.code).toBe(1);
  expect(weak.output).toContain('at least 10 characters');
  expect(await api.deps.users.findUserByHandle('weak_admin')).toBeUndefined();
});
