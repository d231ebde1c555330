// Upload from a file (drag and drop or the picker) with a resumable upload that survives a dropped connection,
// then the studio: statuses with processing percent, the reviewer's reason, a failure's reason, edit, delete,
// milestones.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, openPage, platform, screenshot, seriousA11yViolations, uniqueHandle } from '../../infra/test/e2e/browser.ts';
import { signUp, uploadClip, waitForStatus } from '../../infra/test/e2e/seed.ts';

const execFileAsync = promisify(execFile);
let browser: Browser;
let dir: string;
let bigClip: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-upload-'));
  bigClip = join(dir, 'big.mp4');
  // noisy, nearly lossless: about 15 MB for 2 s, so the upload takes two PATCHes of 8 MiB and one more
  await execFileAsync('ffmpeg', [
    ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=300'],
    ...['-vf', 'noise=alls=60:allf=t', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '13', '-pix_fmt', 'yuv420p', '-c:a', 'aac', bigClip],
  ]);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CHUNK = 8 * 1024 * 1024;

describe('upload from a file', () => {
  it('refuses what is not a video, needs a milestone, and resumes after the connection drops mid-upload', async () => {
    const account = { handle: uniqueHandle('upl'), password: 'upload-test-password' };
    await signUp(platform().apiUrl, account);
    const { page, context } = await openPage(browser, 'desktop');
    await logIn(page, account);
    await page.goto('/upload');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'upload');

    // drag and drop: a text file is refused, a video is taken
    const drop = async (name: string, type: string, bytes: number[]) => {
      const transfer = await page.evaluateHandle(
        ([n, t, b]) => {
          const data = new DataTransfer();
          data.items.add(new File([new Uint8Array(b as number[])], n as string, { type: t as string }));
          return data;
        },
        [name, type, bytes] as const,
      );
      await page.getByRole('region', { name: 'Drop a video here' }).dispatchEvent('drop', { dataTransfer: transfer });
    };
    await drop('notes.txt', 'text/plain', [104, 105]);
    await page.getByRole('alert').filter({ hasText: 'not a video file' }).waitFor();
    await drop('dropped.mp4', 'video/mp4', [...(await readFile(platform().sampleClipPath)).subarray(0, 64)]);
    await page.getByText('dropped.mp4').waitFor();

    // the picker replaces it with the real clip
    await page.locator('#file').setInputFiles(bigClip);
    await page.getByText('big.mp4').waitFor();
    await page.getByLabel('Title').fill('Ninety mornings');
    await page.getByLabel('Category').selectOption('milestone');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').filter({ hasText: 'which milestone' }).waitFor();
    await page.getByLabel('Milestone (days)').fill('90');
    await page.getByLabel('Blur all faces').check();
    await page.getByLabel('Disguise my voice').check();
    await page.getByLabel('Grief').check();

    // the second PATCH dies with the connection
    const patches: { offset: string | undefined; aborted: boolean }[] = [];
    const heads: string[] = [];
    await page.route('**/api/uploads/resumable/*', async (route) => {
      const request = route.request();
      if (request.method() === 'HEAD') heads.push(request.url());
      if (request.method() !== 'PATCH') return route.continue();
      const offset = request.headers()['upload-offset'];
      const abort = patches.length === 1;
      patches.push({ offset, aborted: abort });
      if (abort) return route.abort('connectionreset');
      return route.continue();
    });
    // the bar is sampled in the page: it must never go back to zero
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      setInterval(() => {
        const bar = document.querySelector<HTMLProgressElement>('#upload-progress-bar');
        if (bar) seen.push(bar.value);
      }, 20);
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    // uploaded; processing (with face blurring, which takes longer) goes on without us
    await page.locator('.processing[data-status="processing"], .processing[data-status="in_review"]').waitFor({ timeout: 60_000 });
    await page.getByText('Uploaded').waitFor();

    expect(patches[0]?.offset).toBe('0');
    expect(patches[1]).toEqual({ offset: String(CHUNK), aborted: true });
    // resumed from what the server had, not from the start
    expect(heads.length).toBeGreaterThanOrEqual(1);
    expect(patches[2]?.offset).toBe(String(CHUNK));
    expect(patches.length).toBe(4);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    const firstHigh = seen.findIndex((v) => v >= 50);
    expect(firstHigh).toBeGreaterThanOrEqual(0);
    expect(Math.min(...seen.slice(firstHigh))).toBeGreaterThanOrEqual(50);
    expect(seen.at(-1)).toBe(100);
    await screenshot(page, 'upload-done');

    const res = await page.request.get('/api/videos/mine');
    const video = ((await res.json()) as { videos: { title: string; milestoneDays: number; blurFaces: boolean; disguiseVoice: boolean; contentWarnings: string[] }[] })
      .videos[0];
    expect(video).toMatchObject({ title: 'Ninety mornings', milestoneDays: 90, blurFaces: true, disguiseVoice: true, contentWarnings: ['grief'] });
    await context.close();
  });
});

describe('studio', () => {
  it('shows each status with its reason, follows processing, edits, deletes and shows milestones', async () => {
    const { apiUrl, seed, sampleClipPath } = platform();
    const account = { handle: uniqueHandle('std'), password: 'studio-test-password' };
    const cookie = await signUp(apiUrl, account);
    const reviewer = await fetch(`${apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seed.reviewer),
    });
    const reviewerSession = reviewer.headers.get('set-cookie')?.split(';')[0] ?? '';

    const reviewed = await uploadClip(apiUrl, cookie, sampleClipPath, { title: 'Needs a trim', category: 'motivation' });
    const broken = join(dir, 'broken.mp4');
    await writeFile(broken, (await readFile(sampleClipPath)).subarray(0, 20_000));
    const failed = await uploadClip(apiUrl, cookie, broken, { title: 'Cut short', category: 'motivation' });
    await waitForStatus(apiUrl, cookie, reviewed, 'in_review');
    const decision = await fetch(`${apiUrl}/review/videos/${reviewed}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: reviewerSession },
      body: JSON.stringify({ decision: 'request_changes', reason: 'Please cut the last second: a street sign shows.' }),
    });
    expect(decision.status).toBe(200);
    await fetch(`${apiUrl}/me/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ sobrietyDate: new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 10) }),
    });

    const { page, context } = await openPage(browser, 'phone');
    await logIn(page, account);
    // a fresh upload is shown while it processes, with its percent, until it is in review
    const processing = await uploadClip(apiUrl, cookie, sampleClipPath, { title: 'Fresh one', category: 'education' });
    await page.goto('/studio');
    const fresh = page.locator(`li[data-id="${processing}"]`);
    await fresh.waitFor();
    expect(await fresh.getAttribute('data-status')).toMatch(/processing|in_review/);
    await page.locator(`li[data-id="${processing}"][data-status="in_review"]`).waitFor({ timeout: 90_000 });

    const changes = page.locator(`li[data-id="${reviewed}"]`);
    await expect(changes.textContent()).resolves.toContain('Please cut the last second: a street sign shows.');
    await expect(changes.textContent()).resolves.toContain('Changes requested');
    await page.locator(`li[data-id="${failed}"][data-status="failed"]`).waitFor({ timeout: 60_000 }).catch(async () => {
      await page.reload();
      await page.locator(`li[data-id="${failed}"][data-status="failed"]`).waitFor({ timeout: 30_000 });
    });
    const failedText = (await page.locator(`li[data-id="${failed}"] .error`).textContent()) ?? '';
    expect(failedText.length).toBeGreaterThan(10);
    await expect(page.getByRole('heading', { name: 'My milestones' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('.days').textContent()).resolves.toContain('45');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'studio');

    // edit, with a bad title refused first
    await changes.getByRole('link', { name: 'View and edit' }).click();
    await page.getByRole('heading', { name: 'Edit details' }).waitFor();
    await page.locator('video[data-engine]').waitFor();
    await page.getByLabel('Title').fill(' ');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('form .error').waitFor();
    await page.getByLabel('Title').fill('Trimmed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'studio-video');

    // delete from the list
    await page.goto('/studio');
    await page.getByRole('button', { name: 'Delete “Cut short”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('“Cut short” was deleted').waitFor();
    await page.reload();
    expect(await page.locator(`li[data-id="${failed}"]`).count()).toBe(0);
    expect(await page.getByText('Trimmed').count()).toBeGreaterThan(0);
    await context.close();
  });
});
