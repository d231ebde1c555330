// Demo content for `npm start`: three accounts and a few generated clips taken through the real pipeline
// (upload -> worker -> reviewer approval), so the feed is not empty. Idempotent: skipped once the demo
// reviewer exists. Never runs in production.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '@onward/config';
import { createDb, createUserRepository } from '@onward/db';

const execFileAsync = promisify(execFile);

export const DEMO_ACCOUNTS = {
  reviewer: { handle: 'demo_reviewer', password: 'onward-demo-reviewer' },
  member: { handle: 'demo_member', password: 'onward-demo-member' },
  clinician: { handle: 'demo_clinician', password: 'onward-demo-clinician' },
} as const;

const CLIPS = [
  { by: 'member', title: '90 days today', category: 'milestone', milestoneDays: '90', source: 'testsrc2=size=540x960:rate=30', tone: 440 },
  { by: 'clinician', title: 'What a craving feels like, and why it passes', category: 'education', source: 'smptehdbars=size=540x960:rate=30', tone: 330 },
  { by: 'member', title: 'One more sunrise', category: 'motivation', source: 'mandelbrot=size=540x960:rate=30', tone: 520, warnings: 'substance_use' },
  { by: 'clinician', title: 'You are allowed to rest', category: 'affirmation', source: 'cellauto=size=540x960:rate=30:rule=110', tone: 262 },
] as const;

type Log = (message: string) => void;

async function call(apiUrl: string, path: string, init: RequestInit & { cookie?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  const res = await fetch(`${apiUrl}${path}`, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return { res, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function logIn(apiUrl: string, account: { handle: string; password: string }): Promise<string> {
  const signup = await fetch(`${apiUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const res =
    signup.status === 201
      ? signup
      : await fetch(`${apiUrl}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(account),
        });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`could not log in as ${account.handle} (${res.status})`);
  return cookie;
}

export async function seedDemoContent(config: Config, apiUrl: string, log: Log): Promise<void> {
  if (!config.demoContent) return;
  const db = createDb({ connectionString: config.databaseUrl, maxConnections: 1 });
  const users = createUserRepository(db);
  const dir = await mkdtemp(join(tmpdir(), 'onward-demo-'));
  try {
    if (await users.findUserByHandle(DEMO_ACCOUNTS.reviewer.handle)) return;
    log('seeding demo content (accounts and a few clips through the real pipeline)');
    const cookies = {
      member: await logIn(apiUrl, DEMO_ACCOUNTS.member),
      clinician: await logIn(apiUrl, DEMO_ACCOUNTS.clinician),
      reviewer: '',
    };
    const clinician = await users.findUserByHandle(DEMO_ACCOUNTS.clinician.handle);
    if (clinician) await users.setVerifiedProfessional(clinician.id, true);

    // Every clip is generated before anything is uploaded, so a failure leaves no half-seeded platform.
    const paths: string[] = [];
    for (const [i, clip] of CLIPS.entries()) {
      const path = join(dir, `clip${i}.mp4`);
      await execFileAsync('ffmpeg', [
        ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', clip.source, '-f', 'lavfi', '-i', `sine=frequency=${clip.tone}`],
        ...['-t', '6', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path],
      ]);
      paths.push(path);
    }
    const ids: string[] = [];
    for (const [i, clip] of CLIPS.entries()) {
      const path = paths[i] ?? '';
      const form = new FormData();
      form.set('title', clip.title);
      form.set('category', clip.category);
      if ('milestoneDays' in clip) form.set('milestoneDays', clip.milestoneDays);
      if ('warnings' in clip) form.set('contentWarnings', clip.warnings);
      form.set('video', new Blob([await readFile(path)], { type: 'video/mp4' }), 'clip.mp4');
      const { body } = await call(apiUrl, '/videos', { method: 'POST', body: form, cookie: cookies[clip.by] });
      ids.push((body.video as { id: string }).id);
    }

    // The reviewer account is created last: its existence marks the seeding as done.
    cookies.reviewer = await logIn(apiUrl, DEMO_ACCOUNTS.reviewer);
    const reviewer = await users.findUserByHandle(DEMO_ACCOUNTS.reviewer.handle);
    if (reviewer) await users.setRole(reviewer.id, 'reviewer');

    for (const [i, id] of ids.entries()) {
      const deadline = Date.now() + 180_000;
      for (;;) {
        const { body } = await call(apiUrl, `/videos/${id}`, { cookie: cookies[CLIPS[i]?.by ?? 'member'] });
        const status = (body.video as { status: string }).status;
        if (status === 'in_review') break;
        if (status !== 'processing' || Date.now() > deadline) throw new Error(`demo clip ${id} is ${status}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await call(apiUrl, `/review/videos/${id}/decision`, {
        method: 'POST',
        cookie: cookies.reviewer,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', featured: i === 0 }),
      });
    }
    log(`demo content ready: ${ids.length} approved clips; reviewer ${DEMO_ACCOUNTS.reviewer.handle} / ${DEMO_ACCOUNTS.reviewer.password}`);
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
