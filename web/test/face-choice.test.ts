// The owner's choice of faces (issue 6) in real Chromium against the whole platform with the real face detector: a
// member uploads a generated clip with known faces and "Blur all faces", the clip waits for them, they open the
// choice from the upload's status, see one private picture per face, mark one as theirs and send it on to review.
// Nobody else gets the pictures, and a second, stale form (without JavaScript) is told the choice was made.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFaceClip } from '@onward/media/test/face-clips/generate.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, openPage, platform, screenshot, seriousA11yViolations, uniqueHandle, VIEWPORTS } from '../../infra/test/e2e/browser.ts';
import { signUp } from '../../infra/test/e2e/seed.ts';

let browser: Browser;
let dir: string;
let faceClip: string;
let truthFaces: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onward-face-choice-'));
  faceClip = join(dir, 'meeting.mp4');
  // small and short, so the real detector is quick: about 8 faces, some coming and going
  const truth = await generateFaceClip({ scenario: 'crowd', outPath: faceClip, width: 360, height: 640, seconds: 2, seed: 7 });
  truthFaces = new Set(truth.frames.flat().map((face) => face.id)).size;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The session cookie the API gives `account` on log-in. */
async function sessionOf(account: { handle: string; password: string }): Promise<string> {
  const res = await fetch(`${platform().apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')?.split(';')[0] ?? '';
}

/** A GET through the web server, as a browser of `cookie` would make it. */
const viaWeb = (path: string, cookie?: string) => fetch(`${platform().webUrl}${path}`, { headers: cookie ? { cookie } : {} });

async function thumbnailsLoaded(page: Page): Promise<number[]> {
  const images = page.locator('li.face img');
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('li.face img')].every((img) => img.complete));
  return await images.evaluateAll((list) => list.map((img) => (img as HTMLImageElement).naturalWidth));
}

describe('choosing who stays visible', () => {
  it('shows one private picture per face, keeps the face marked as mine and sends the clip on to review', async () => {
    const { seed } = platform();
    const owner = { handle: uniqueHandle('faces'), password: 'face-choice-password' };
    await signUp(platform().apiUrl, owner);

    // upload with "Blur all faces": the worker finds the faces and the clip waits for its owner
    const phone = await openPage(browser, 'phone');
    const { page } = phone;
    await logIn(page, owner);
    await page.goto('/upload');
    await page.locator('#file').setInputFiles(faceClip);
    await page.getByLabel('Title').fill('After the meeting');
    await page.getByLabel('Category').selectOption('motivation');
    await page.getByLabel('Blur all faces').check();
    await page.getByRole('button', { name: 'Upload' }).click();
    const waiting = page.locator('.processing[data-status="awaiting_faces"]');
    await waiting.waitFor({ timeout: 120_000 });
    const mine = (await (await page.request.get('/api/videos/mine')).json()) as { videos: { id: string; status: string }[] };
    const videoId = mine.videos[0]?.id ?? '';
    expect(mine.videos[0]?.status).toBe('awaiting_faces');
    const listed = (await (await page.request.get(`/api/videos/${videoId}/faces`)).json()) as { faces: { trackId: number; thumbnailUrl: string }[] };
    const faces = listed.faces;
    expect(faces.length).toBeGreaterThanOrEqual(Math.min(3, truthFaces));

    // the studio says it waits for me, with the way there
    await page.goto('/studio');
    const card = page.locator(`li[data-id="${videoId}"][data-status="awaiting_faces"]`);
    await expect(card.textContent()).resolves.toContain('Choose faces');
    await expect(card.textContent()).resolves.toContain('Waiting for you');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'studio-awaiting-faces');
    await card.getByRole('link', { name: 'Choose who stays visible' }).click();
    await page.waitForURL(`**/studio/${videoId}/faces`);

    // one picture per face, each with its own labelled toggle, all blurred by default
    await page.getByRole('heading', { name: 'Choose who stays visible' }).waitFor();
    expect(await page.locator('li.face').count()).toBe(faces.length);
    const widths = await thumbnailsLoaded(page);
    expect(widths.every((w) => w > 0), JSON.stringify(widths)).toBe(true);
    for (let n = 1; n <= faces.length; n++) {
      await expect(page.getByRole('img', { name: `Face ${n}`, exact: true }).count()).resolves.toBe(1);
      const toggle = page.getByRole('checkbox', { name: `This is me — keep my face visible (Face ${n})` });
      expect(await toggle.isChecked()).toBe(false);
    }
    expect(await page.locator('main').textContent()).toContain('cannot be undone');
    // the choice does not stay open forever: the day it closes by itself (FACE_CHOICE_HOURS, 7 days by default)
    const deadline = (await (await page.request.get(`/api/videos/${videoId}/faces`)).json()) as { chooseBy: string };
    const days = (Date.parse(deadline.chooseBy) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.01);
    const day = new Date(deadline.chooseBy).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    await expect(page.locator('[data-choose-by]').textContent()).resolves.toContain(`If you have not chosen by ${day}, every face stays blurred`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'face-choice');
    // nothing sideways at 360 px
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);

    // desktop, with the keyboard: the toggle is reached and ticked without a mouse
    const desktop = await openPage(browser, 'desktop');
    await logIn(desktop.page, owner);
    await desktop.page.goto(`/studio/${videoId}/faces`);
    await thumbnailsLoaded(desktop.page);
    expect(await seriousA11yViolations(desktop.page)).toEqual([]);
    await screenshot(desktop.page, 'face-choice');
    const firstToggle = desktop.page.getByRole('checkbox', { name: 'This is me — keep my face visible (Face 1)' });
    await firstToggle.focus();
    await desktop.page.keyboard.press('Space');
    expect(await firstToggle.isChecked()).toBe(true);
    await expect(desktop.page.locator('li.face').first().textContent()).resolves.toContain('Stays visible');
    // a face that is not in the clip (a tampered form) is refused with a message, and nothing is chosen
    await firstToggle.evaluate((input) => {
      (input as HTMLInputElement).value = '99999';
    });
    await desktop.page.getByRole('button', { name: 'Save my choice and process the clip' }).click();
    await desktop.page.getByRole('alert').filter({ hasText: 'not in this clip' }).waitFor();
    expect(desktop.page.url()).toContain(`/studio/${videoId}/faces`);
    await desktop.context.close();
    const still = (await (await page.request.get(`/api/videos/${videoId}`)).json()) as { video: { status: string } };
    expect(still.video.status).toBe('awaiting_faces');

    // the pictures are the owner's alone, through the web app too, and never kept by a shared cache
    const [first] = faces;
    const thumbnail = `/api/videos/${videoId}/faces/${first?.trackId}/thumbnail`;
    expect(first?.thumbnailUrl).toBe(thumbnail.slice('/api'.length));
    const own = await page.request.get(thumbnail);
    expect(own.status()).toBe(200);
    expect(own.headers()['content-type']).toBe('image/jpeg');
    expect(own.headers()['cache-control']).toBe('private, no-store');
    const stranger = { handle: uniqueHandle('strg'), password: 'stranger-password' };
    const strangerCookie = await signUp(platform().apiUrl, stranger);
    const reviewerCookie = await sessionOf(seed.reviewer);
    for (const [who, cookie] of [
      ['another member', strangerCookie],
      ['a reviewer', reviewerCookie],
    ] as const) {
      expect([who, (await viaWeb(thumbnail, cookie)).status]).toEqual([who, 404]);
      expect([who, (await viaWeb(`/api/videos/${videoId}/faces`, cookie)).status]).toEqual([who, 404]);
      expect([who, (await viaWeb(`/studio/${videoId}/faces`, cookie)).status]).toEqual([who, 404]);
    }
    expect((await viaWeb(thumbnail)).status).toBe(401);

    // a second form, without JavaScript, opened before the choice is made
    const stale = await browser.newContext({ viewport: VIEWPORTS.desktop, baseURL: platform().webUrl, javaScriptEnabled: false });
    const stalePage = await stale.newPage();
    await logIn(stalePage, owner);
    await stalePage.goto(`/studio/${videoId}/faces`);
    await stalePage.getByRole('checkbox', { name: 'This is me — keep my face visible (Face 2)' }).check();

    // mark the first face as mine and send it on
    const sent = page.waitForRequest((request) => request.method() === 'POST' && request.url().includes(`/studio/${videoId}/faces`));
    await page.getByRole('checkbox', { name: 'This is me — keep my face visible (Face 1)' }).check();
    await page.locator('li.face').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'face-choice-marked');
    await page.getByRole('button', { name: 'Save my choice and process the clip' }).click();
    expect(new URLSearchParams((await sent).postData() ?? '').getAll('visible')).toEqual([String(first?.trackId)]);
    await page.waitForURL((url) => url.pathname === '/studio' && url.searchParams.get('chosen') === videoId);
    await page.getByText('“After the meeting” is being processed').waitFor();
    await page.locator(`li[data-id="${videoId}"][data-status="processing"], li[data-id="${videoId}"][data-status="in_review"]`).waitFor();
    await page.locator(`li[data-id="${videoId}"][data-status="in_review"]`).waitFor({ timeout: 120_000 });
    await expect(page.locator(`li[data-id="${videoId}"] .status`).textContent()).resolves.toContain('In review');
    await screenshot(page, 'face-choice-done');

    // the stale form is told, not failed; and the pictures are gone for the owner as well
    await stalePage.getByRole('button', { name: 'Save my choice and process the clip' }).click();
    await stalePage.getByRole('alert').filter({ hasText: 'already chosen' }).waitFor();
    expect(await stalePage.locator('li.face').count()).toBe(0);
    await stale.close();
    expect((await page.request.get(thumbnail)).status()).toBe(404);
    await page.goto(`/studio/${videoId}/faces`);
    await page.getByText('is not waiting for a choice of faces').waitFor();
    await phone.context.close();

    // the reviewer sees that faces were asked to be blurred (and no voice disguise), never the pictures
    const reviewer = await openPage(browser, 'desktop');
    await logIn(reviewer.page, seed.reviewer);
    await reviewer.page.goto(`/review/${videoId}`);
    const asked = (await reviewer.page.locator('main .tags').textContent()) ?? '';
    expect(asked).toContain('faces blurred');
    expect(asked).not.toContain('voice disguised');
    expect(await reviewer.page.locator('img[src*="/faces/"]').count()).toBe(0);
    await reviewer.context.close();
  });
});
