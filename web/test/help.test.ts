// Crisis help is one tap away on every page, and the help page itself carries the crisis lines and privacy guide.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, seriousA11yViolations } from '../../infra/test/e2e/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

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
});
