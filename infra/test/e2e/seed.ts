// What the browser tests start from: a reviewer, a verified clinician and a member, and a few generated clips
// taken through the real pipeline (upload -> worker -> reviewer approval). All over HTTP, as a person would.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Env } from '@onward/config';
import { createDb, createUserRepository } from '@onward/db';
import { generateClip } from '@onward/media/test/clips.ts';

export interface Account {
  handle: string;
  password: string;
}

export interface SeededClip {
  id: string;
  title: string;
  contentWarnings: string[];
}

export interface Seed {
  reviewer: Account;
  clinician: Account;
  member: Account;
  clips: SeededClip[];
}

export const SEED_ACCOUNTS = {
  reviewer: { handle: 'e2e_reviewer', password: 'e2e-reviewer-password' },
  clinician: { handle: 'e2e_clinician', password: 'e2e-clinician-password' },
  member: { handle: 'e2e_member', password: 'e2e-member-password' },
} as const satisfies Record<string, Account>;

const CAPTIONS = 'WEBVTT\n\n00:00.000 --> 00:04.000\nOne day at a time.\n';

/** POST /auth/signup and return the session cookie. */
export async function signUp(apiUrl: string, account: Account): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 201 || !cookie) throw new Error(`sign-up of ${account.handle} answered ${res.status}: ${await res.text()}`);
  return cookie;
}

async function call(apiUrl: string, path: string, cookie: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  const res = await fetch(`${apiUrl}${path}`, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Upload a file with the one-request form and return the new video's id. */
export async function uploadClip(
  apiUrl: string,
  cookie: string,
  path: string,
  fields: Record<string, string>,
  captions?: string,
): Promise<string> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (captions) form.set('captions', new Blob([captions], { type: 'text/vtt' }), 'captions.vtt');
  form.set('video', new Blob([await readFile(path)], { type: 'video/mp4' }), 'clip.mp4');
  const body = await call(apiUrl, '/videos', cookie, { method: 'POST', body: form });
  return (body.video as { id: string }).id;
}

export async function waitForStatus(apiUrl: string, cookie: string, id: string, status: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await call(apiUrl, `/videos/${id}`, cookie);
    const video = body.video as { status: string; failureReason: string | null };
    if (video.status === status) return;
    if (video.status !== 'processing') throw new Error(`video ${id} is ${video.status} (${video.failureReason}), not ${status}`);
    if (Date.now() > deadline) throw new Error(`video ${id} still processing after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function approve(apiUrl: string, reviewerCookie: string, id: string, extra: Record<string, unknown> = {}) {
  await call(apiUrl, `/review/videos/${id}/decision`, reviewerCookie, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ decision: 'approve', ...extra }),
  });
}

export async function seedPlatform(apiUrl: string, env: Env, dir: string): Promise<Seed> {
  const db = createDb({ connectionString: env.DATABASE_URL ?? '', maxConnections: 1 });
  const users = createUserRepository(db);
  try {
    const cookies = {
      reviewer: await signUp(apiUrl, SEED_ACCOUNTS.reviewer),
      clinician: await signUp(apiUrl, SEED_ACCOUNTS.clinician),
      member: await signUp(apiUrl, SEED_ACCOUNTS.member),
    };
    const reviewer = await users.findUserByHandle(SEED_ACCOUNTS.reviewer.handle);
    const clinician = await users.findUserByHandle(SEED_ACCOUNTS.clinician.handle);
    if (!reviewer || !clinician) throw new Error('seed accounts missing');
    await users.setRole(reviewer.id, 'reviewer');
    await users.setVerifiedProfessional(clinician.id, true);

    const specs = [
      { by: 'clinician', title: 'Why cravings pass', category: 'education', warnings: [] as string[], captions: true },
      { by: 'member', title: 'Thirty days of mornings', category: 'motivation', warnings: ['substance_use'], captions: false },
    ] as const;
    const clips: SeededClip[] = [];
    for (const [i, spec] of specs.entries()) {
      const path = await generateClip({ path: join(dir, `seed${i}.mp4`), width: 360, height: 640, seconds: 4, fps: 30, audio: true });
      const cookie = cookies[spec.by];
      const fields = { title: spec.title, category: spec.category };
      const id = await uploadClip(apiUrl, cookie, path, fields, spec.captions ? CAPTIONS : undefined);
      clips.push({ id, title: spec.title, contentWarnings: [...spec.warnings] });
    }
    for (const [i, clip] of clips.entries()) {
      await waitForStatus(apiUrl, cookies[specs[i]?.by ?? 'member'], clip.id, 'in_review');
      await approve(apiUrl, cookies.reviewer, clip.id, { contentWarnings: clip.contentWarnings });
    }
    return { ...SEED_ACCOUNTS, clips };
  } finally {
    await db.destroy();
  }
}
