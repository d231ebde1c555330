// Accounts end to end through the HTTP stack, against real Postgres and Redis.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, sessionCookieOf, signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ LOGIN_MAX_FAILURES_PER_HANDLE: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '40' });
});
afterAll(async () => api?.close());

const countUsers = async () => Number((await api.deps.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('sign up', () => {
  it('creates a pseudonymous account, logs it in with a safe cookie, and never returns the hash', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { handle: 'Sober_Sam', password: GOOD_PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ handle: 'Sober_Sam', role: 'member', verifiedProfessional: false });
    expect(JSON.stringify(body)).not.toMatch(/argon|hash|password/i);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/onward_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const me = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie: sessionCookieOf(res.headers['set-cookie']) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.handle).toBe('Sober_Sam');

    const stored = await api.deps.db.selectFrom('users').select('password_hash').where('handle', '=', 'Sober_Sam').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    const session = await api.deps.db.selectFrom('sessions').select('token_hash').executeTakeFirstOrThrow();
    expect(session.token_hash.toString('base64url')).not.toBe(sessionCookieOf(res.headers['set-cookie']).split('=')[1]);
  });

  it('accepts an optional e-mail and refuses a malformed one', async () => {
    const ok = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'with_mail', password: GOOD_PASSWORD, email: 'a@example.org' } });
    expect(ok.statusCode).toBe(201);
    const bad = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'bad_mail', password: GOOD_PASSWORD, email: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });

  it('refuses a duplicate handle, whatever its case, with 409 and writes nothing', async () => {
    await signUp(api.app, 'river_walker');
    const before = await countUsers();
    const res = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'RIVER_walker', password: GOOD_PASSWORD } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'handle_taken', message: expect.any(String) } });
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['spaces', 'sam walker'],
    ['emoji', 'sam😀ok'],
    ['SQL', "x'; drop table users;--"],
    ['HTML', '<img src=x onerror=alert(1)>'],
    ['too short', 'ab'],
  ])('refuses a handle with %s (400) and writes nothing', async (_what, handle) => {
    const before = await countUsers();
    const res = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle, password: GOOD_PASSWORD } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_handle');
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['under 10 characters', 'short-pw1', 'password_too_short'],
    ['common', 'password123', 'password_too_common'],
    ['common, other case', 'QwertyUiop', 'password_too_common'],
  ])('refuses a password %s (400) and writes nothing', async (_what, password, code) => {
    const before = await countUsers();
    const res = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: `pw_${randomBytes(3).toString('hex')}`, password } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(await countUsers()).toBe(before);
  });

  it('refuses unknown fields (no real names, no phone numbers smuggled in)', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { handle: 'extra_fields', password: GOOD_PASSWORD, realName: 'Jane Doe', phone: '555' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('unknown_field');
    expect(await api.deps.users.findUserByHandle('extra_fields')).toBeUndefined();
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"handle": "broken", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('malformed_json');
  });

  it('answers a body over the limit with 413 and writes nothing', async () => {
    const before = await countUsers();
    const res = await api.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { handle: 'big_body', password: 'x'.repeat(200_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
    expect(await countUsers()).toBe(before);
  });

  it('refuses a missing field and a wrong type', async () => {
    const missing = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: 'no_password' } });
    expect(missing.statusCode).toBe(400);
    const wrongType = await api.app.inject({ method: 'POST', url: '/auth/signup', payload: { handle: { nested: true }, password: GOOD_PASSWORD } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('invalid_request');
  });
});

describe('log in and out', () => {
  it('logs in with the right password and refuses the wrong one without telling whether the handle exists', async () => {
    await signUp(api.app, 'morning_light');
    const ok = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'MORNING_LIGHT', password: GOOD_PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.handle).toBe('morning_light');

    const wrong = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'morning_light', password: 'not-the-password' } });
    const unknown = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'nobody_here', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('locks a handle after repeated failures, even for the right password, and says when to retry', async () => {
    await signUp(api.app, 'target_handle');
    for (let i = 0; i < 3; i++) {
      const res = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'target_handle', password: `guess-number-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const locked = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'target_handle', password: GOOD_PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // an unknown handle locks the same way, so lock-outs reveal nothing either
    for (let i = 0; i < 3; i++) {
      await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'ghost_handle', password: `guess-number-${i}` } });
    }
    const ghost = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'ghost_handle', password: 'guess-number-9' } });
    expect(ghost.statusCode).toBe(429);
  });

  it('limits attempts per client IP across handles', async () => {
    const ip = '203.0.113.77';
    let last = 0;
    for (let i = 0; i < 41; i++) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress: ip,
        payload: { handle: `spray_${i}`, password: 'not-the-password' },
      });
      last = res.statusCode;
    }
    expect(last).toBe(429);
    const otherIp = await api.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.78', payload: { handle: 'spray_x', password: 'not-the-password' } });
    expect(otherIp.statusCode).toBe(401);
  });

  it('logs out: the cookie is cleared and the old token stops working', async () => {
    const cookie = await signUp(api.app, 'leaving_soon');
    const out = await api.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/onward_session=;/);
    const me = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('answers 401 for no cookie, a malformed cookie and a well-formed but unknown token', async () => {
    for (const cookie of [undefined, 'onward_session=garbage', `onward_session=${randomBytes(32).toString('base64url')}`]) {
      const res = await api.app.inject({ method: 'GET', url: '/me', headers: cookie ? { cookie } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });

  it('refuses an expired session', async () => {
    const cookie = await signUp(api.app, 'expired_one');
    await api.deps.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    const res = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
  });
});

describe('change password', () => {
  it('needs the current password, keeps the old one on refusal, and signs out other sessions on success', async () => {
    const cookie = await signUp(api.app, 'changing_pw');
    const other = sessionCookieOf(
      (await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'changing_pw', password: GOOD_PASSWORD } })).headers['set-cookie'],
    );

    const wrong = await api.app.inject({ method: 'PUT', url: '/me/password', headers: { cookie }, payload: { currentPassword: 'not-it-at-all', newPassword: 'a-brand-new-start' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('wrong_password');
    const weak = await api.app.inject({ method: 'PUT', url: '/me/password', headers: { cookie }, payload: { currentPassword: GOOD_PASSWORD, newPassword: 'password123' } });
    expect(weak.statusCode).toBe(400);
    expect((await api.app.inject({ method: 'GET', url: '/me', headers: { cookie: other } })).statusCode).toBe(200);

    const ok = await api.app.inject({ method: 'PUT', url: '/me/password', headers: { cookie }, payload: { currentPassword: GOOD_PASSWORD, newPassword: 'a-brand-new-start' } });
    expect(ok.statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: '/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/me', headers: { cookie: other } })).statusCode).toBe(401);
    const oldLogin = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'changing_pw', password: GOOD_PASSWORD } });
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'changing_pw', password: 'a-brand-new-start' } });
    expect(newLogin.statusCode).toBe(200);
  });
});

describe('roles', () => {
  it('lets only admins change roles and grant the verified-professional flag', async () => {
    const member = await signUp(api.app, 'plain_member');
    const reviewer = await signUp(api.app, 'soon_reviewer');
    const admin = await signUp(api.app, 'the_admin');
    const adminRow = await api.deps.users.findUserByHandle('the_admin');
    await api.deps.users.setRole(adminRow!.id, 'admin');
    const reviewerRow = await api.deps.users.findUserByHandle('soon_reviewer');
    await api.deps.users.setRole(reviewerRow!.id, 'reviewer');

    const url = '/admin/users/plain_member/role';
    const anonymous = await api.app.inject({ method: 'PUT', url, payload: { role: 'admin' } });
    expect(anonymous.statusCode).toBe(401);
    const asMember = await api.app.inject({ method: 'PUT', url, headers: { cookie: member }, payload: { role: 'admin' } });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json().error.code).toBe('forbidden');
    const asReviewer = await api.app.inject({ method: 'PUT', url, headers: { cookie: reviewer }, payload: { role: 'admin' } });
    expect(asReviewer.statusCode).toBe(403);
    expect((await api.deps.users.findUserByHandle('plain_member'))!.role).toBe('member');

    const asAdmin = await api.app.inject({ method: 'PUT', url, headers: { cookie: admin }, payload: { role: 'reviewer' } });
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.json().user.role).toBe('reviewer');

    const badRole = await api.app.inject({ method: 'PUT', url, headers: { cookie: admin }, payload: { role: 'superuser' } });
    expect(badRole.statusCode).toBe(400);
    const missing = await api.app.inject({ method: 'PUT', url: '/admin/users/nobody_at_all/role', headers: { cookie: admin }, payload: { role: 'reviewer' } });
    expect(missing.statusCode).toBe(404);

    const verified = await api.app.inject({
      method: 'PUT',
      url: '/admin/users/plain_member/verified-professional',
      headers: { cookie: admin },
      payload: { verifiedProfessional: true },
    });
    expect(verified.statusCode).toBe(200);
    const me = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie: member } });
    expect(me.json().user).toMatchObject({ role: 'reviewer', verifiedProfessional: true });
  });
});
