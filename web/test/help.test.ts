// Crisis help is one tap away on every page, and the help page itself carries the crisis lines and privacy guide.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, openPage, platform, screenshot, seriousA11yViolations } from '../../infra/test/e2e/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The help link is on screen without scrolling, and one tap opens the crisis lines. */
async function helpIsOneTapAway(page: Page, path: string) {
  await page.goto(path);
  const help = page.getByRole('link', { name: 'Need help now?' });
  expect(await help.isVisible(), path).toBe(true);
  const box = await help.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height, `${path}: help link within the first screen`).toBe(true);
  await help.click();
  await page.waitForURL('**/help');
  expect(await page.locator('a[href="tel:988"]').count(), path).toBeGreaterThan(0);
}

describe('help', () => {
  it('shows 988, SAMHSA and the privacy guide, accessibly, on phone and desktop', async () => {
    for (const size of ['phone', 'desktop'] as const) {
      const { page, context } = await openPage(browser, size);
      await page.goto('/help');
      await expect(page.getByRole('heading', { level: 1, name: 'Need help now?' }).isVisible()).resolves.toBe(true);
      expect(await page.locator('a[href="tel:988"]').count()).toBeGreaterThan(0);
      expect(await page.locator('a[href="tel:+18006624357"]').count()).toBeGreaterThan(0);
      await expect(page.getByText('1-800-662-4357').first().isVisible()).resolves.toBe(true);
      await expect(page.getByText(/blur all faces/i).first().isVisible()).resolves.toBe(true);
      await expect(page.getByText(/film people at meetings/i).isVisible()).resolves.toBe(true);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'help');
      await context.close();
    }
  });

  it('is one tap away on every page, for visitors, members and reviewers', async () => {
    const visitor = await openPage(browser, 'phone');
    for (const path of ['/', '/?category=education', '/login', '/signup', '/no-such-page']) await helpIsOneTapAway(visitor.page, path);
    await visitor.context.close();

    const member = await openPage(browser, 'phone');
    await logIn(member.page, platform().seed.member);
    for (const path of ['/', '/record', '/upload', '/studio', '/settings', '/review']) await helpIsOneTapAway(member.page, path);
    await member.context.close();

    const reviewer = await openPage(browser, 'desktop');
    await logIn(reviewer.page, platform().seed.reviewer);
    for (const path of ['/review', '/review/reports', `/review/${platform().seed.clips[0]?.id}`]) {
      await helpIsOneTapAway(reviewer.page, path);
    }
    await reviewer.context.close();
  });

  it('takes screenshots of the main pages at desktop size too', async () => {
    const { page, context } = await openPage(browser, 'desktop');
    await page.goto('/');
    await page.locator('article.clip[data-active="true"]').waitFor();
    await screenshot(page, 'feed');
    for (const [path, name] of [
      ['/login', 'login'],
      ['/signup', 'signup'],
    ] as const) {
      await page.goto(path);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, name);
    }
    await logIn(page, platform().seed.member);
    for (const [path, name] of [
      ['/studio', 'studio'],
      ['/upload', 'upload'],
      ['/record', 'record'],
    ] as const) {
      await page.goto(path);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, name);
    }
    await context.close();
  });
});
