// Accounts and settings in real Chromium: sign up, wellbeing settings, change password, log out, log in,
// delete the account; navigation shows what the role allows.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, openPage, platform, screenshot, seriousA11yViolations, uniqueHandle } from '../../infra/test/e2e/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('accounts and settings', () => {
  it('signs up, keeps private settings, changes the password, logs out and in, and deletes the account', async () => {
    const { page, context } = await openPage(browser, 'phone');
    const handle = uniqueHandle('acct');
    await page.goto('/signup');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'signup');

    // bad input first: mismatched passwords, then a too-short password the API refuses
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('different');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the same' }).waitFor();
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: /10/ }).waitFor();

    await page.getByLabel('Password', { exact: true }).fill('first-password-123');
    await page.getByLabel('Password again').fill('first-password-123');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/settings?welcome=1');
    // members see their pages and no review console
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Feed', 'Record', 'Upload', 'Studio', 'Settings']) {
      expect(await nav.getByRole('link', { name }).count(), name).toBe(1);
    }
    expect(await nav.getByRole('link', { name: 'Review' }).count()).toBe(0);

    // a future sobriety date is stopped by the form itself (max is today), and nothing is saved
    await page.getByLabel('Sobriety date').fill('2999-01-01');
    await page.getByRole('button', { name: 'Save wellbeing settings' }).click();
    expect(await page.getByLabel('Sobriety date').evaluate((el: HTMLInputElement) => el.validity.rangeOverflow)).toBe(true);
    expect(await page.getByText('Saved.').count()).toBe(0);

    const date = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Sobriety date').fill(date);
    await page.getByLabel('Limit my feed each day').check();
    await page.getByLabel('Clips per day').fill('12');
    await page.getByLabel('Relapse').check();
    await page.getByLabel('Grief').check();
    await page.getByRole('button', { name: 'Save wellbeing settings' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    expect(await page.getByLabel('Sobriety date').inputValue()).toBe(date);
    expect(await page.getByLabel('Clips per day').inputValue()).toBe('12');
    expect(await page.getByLabel('Relapse').isChecked()).toBe(true);
    expect(await page.getByLabel('Grief').isChecked()).toBe(true);
    expect(await page.getByLabel('Medical').isChecked()).toBe(false);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'settings');

    // change password: the wrong current password is refused
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password').fill('second-password-456');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#password-heading ~ form .error').waitFor();
    await page.getByLabel('Current password').fill('first-password-123');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();

    await page.getByRole('button', { name: 'Log out of this device' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();

    // the old password no longer works, the new one does
    await page.goto('/login');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill('first-password-123');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'login');
    await logIn(page, { handle, password: 'second-password-456' });

    // delete: needs the password and the confirmation
    await page.goto('/settings');
    const deleteButton = page.getByRole('button', { name: 'Delete my account' });
    expect(await deleteButton.isDisabled()).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill('second-password-456');
    await page.getByLabel('I understand this cannot be undone').check();
    await deleteButton.click();
    await page.waitForURL('**/?deleted=1');
    await page.getByText('Your account and everything in it were deleted.').waitFor();
    const res = await fetch(`${platform().apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle, password: 'second-password-456' }),
    });
    expect(res.status).toBe(401);
    await context.close();
  });

  it('sends a visitor to log in from a member page and back afterwards', async () => {
    const { page, context } = await openPage(browser, 'desktop');
    await page.goto('/settings');
    await page.waitForURL('**/login?next=%2Fsettings');
    const { member } = platform().seed;
    await page.getByLabel('Handle').fill(member.handle);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await screenshot(page, 'settings');
    await context.close();
  });

  it('logs in without JavaScript too (the form posts to the server), and shows a refused log-in', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: platform().webUrl });
    const page = await context.newPage();
    const { member } = platform().seed;
    await page.goto('/login?next=/studio');
    await page.getByLabel('Handle').fill(member.handle);
    await page.getByLabel('Password').fill('wrong-password-000');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).not.toContain('password');
    expect(await page.getByLabel('Handle').inputValue()).toBe(member.handle);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/studio');
    expect(page.url()).not.toContain('password');
    await context.close();
  });
});
