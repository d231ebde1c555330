// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with the helpers every browser test
// uses: phone and desktop pages, screenshots as artifacts, and an axe-core accessibility check.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { root } from './platform.ts';
import './provided.ts';

const require = createRequire(import.meta.url);
const axeSource: string = require('axe-core').source;

export const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const SCREENSHOT_DIR = join(root, 'test-results/screenshots');

export function platform() {
  return inject('e2e');
}

export async function launchBrowser(options: { fakeCamera?: string } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
  if (options.fakeCamera) {
    args.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${options.fakeCamera}`,
    );
  }
  // muted autoplay needs no gesture; unmuting does, which the tests do by clicking
  args.push('--autoplay-policy=no-user-gesture-required');
  return await chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (CSP violations show up here). */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  viewport: ViewportName = 'phone',
  options: { reducedMotion?: 'reduce' | 'no-preference'; permissions?: string[] } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    baseURL: platform().webUrl,
    reducedMotion: options.reducedMotion ?? 'no-preference',
    ...(viewport === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: platform().webUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

/** Saves test-results/screenshots/{name}-{phone|desktop}.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  const label = size && size.width <= VIEWPORTS.phone.width ? 'phone' : 'desktop';
  const path = join(SCREENSHOT_DIR, `${name}-${label}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page; returns the serious and critical violations (the tests expect none). */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // evaluate, not a script tag: the page's CSP (rightly) refuses inline scripts
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // runs in the page; this package has no DOM types, so the page's globals are typed by hand
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: object) => Promise<{ violations: unknown[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Log in through the log-in page. */
export async function logIn(page: Page, account: { handle: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Handle').fill(account.handle);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** A handle nobody has used yet (handles: 3-30 letters, digits, underscores). */
export function uniqueHandle(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`.slice(0, 30);
}
