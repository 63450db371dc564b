/**
 * Screenshots of the demo page's screens at 1280×900 and at phone width (390×844), for reviews
 * and closing notes (not a test: it asserts nothing).
 *
 *   npx tsx test/browser/screenshots.ts <prefix>
 *
 * Writes test-artifacts/screenshots/<prefix>-<width>-<screen>.png (gitignored). The demo runs in
 * this process on free ports.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startDemo } from '../../demo/serve';
import { DEMO_ACCOUNT } from '../../src/testing';

const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

async function main(): Promise<void> {
  const prefix = process.argv[2] ?? 'shot';
  mkdirSync(SHOTS, { recursive: true });
  const demo = await startDemo({ port: 0 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const written: string[] = [];
  let current: string = DEMO_ACCOUNT.password;
  try {
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ viewport });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const shot = async (p: Page, name: string, fullPage = false) => {
        const file = path.join(SHOTS, `${prefix}-${viewport.width}-${name}.png`);
        await p.screenshot({ path: file, fullPage });
        written.push(file);
      };
      const work = page.getByRole('region', { name: 'Operation' });
      await page.goto(demo.url);
      await page.getByRole('heading', { name: 'matrix-uia demo' }).waitFor();
      await shot(page, '1-home');
      await shot(page, '1-home-full', true);

      // Change password: wrong password, then the right one.
      await page.getByLabel('New password').fill(current === DEMO_ACCOUNT.password ? 'brand-new-password' : DEMO_ACCOUNT.password);
      await work.getByRole('button', { name: 'Change password' }).click();
      const password = page.getByLabel('Your current password');
      await password.fill('wrong-password');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('stage-error').filter({ hasText: /./ }).waitFor();
      await shot(page, '2-wrong-password');
      await password.fill(current);
      current = current === DEMO_ACCOUNT.password ? 'brand-new-password' : DEMO_ACCOUNT.password;
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('[data-status="done"], [data-status="failed"]').waitFor();
      await shot(page, '3-password-changed');
      await shot(page, '3-password-changed-full', true);
      await page.getByRole('button', { name: 'Back to the operations' }).click();

      // Register up to the token stage.
      await page.getByRole('navigation', { name: 'Operations' }).getByRole('button', { name: 'Register' }).click();
      await page.getByLabel('Password', { exact: true }).fill('a-secret-1');
      await page.getByLabel('Email address').fill('someone@example.org');
      await work.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('textbox', { name: 'Registration token' }).waitFor().catch(async (e: unknown) => {
        await shot(page, 'error', true);
        throw e;
      });
      await shot(page, '4-register-token');
      await work.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Back to the operations' }).click();

      // Cross-signing reset: the approval popup.
      await page.getByRole('navigation', { name: 'Operations' }).getByRole('button', { name: 'Reset cross-signing' }).click();
      await work.getByRole('button', { name: 'Reset cross-signing keys' }).click();
      const open = page.getByRole('button', { name: 'Open the approval page' });
      await open.waitFor();
      const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
      // (Before issue 16 the page approved by itself and closed at once: no shot then.)
      await popup.waitForLoadState().then(() => shot(popup, '5-oauth-popup')).catch(() => console.log('the popup closed itself'));
      const approve = popup.getByRole('button', { name: /approve/i });
      if (!popup.isClosed() && (await approve.count())) await approve.click();
      await page.locator('[data-status="done"], [data-status="failed"]').waitFor();
      await shot(page, '6-cross-signing-done');
      await page.getByRole('button', { name: 'Back to the operations' }).click();

      // The delegated (OAuth 2.0) server: deleting a device continues on the account page.
      await page.getByRole('radio', { name: /Next-generation server/ }).check();
      await page.getByRole('navigation', { name: 'Operations' }).getByRole('button', { name: 'Delete a device' }).click();
      await page.locator('#f-delete-device-deviceId option').first().waitFor({ state: 'attached' });
      const device = await page.getByLabel('Device to delete').inputValue();
      await work.getByRole('button', { name: 'Delete device' }).click();
      const link = page.getByTestId('account-link');
      await link.waitFor();
      await shot(page, '7-delegated-continue');
      const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
      await tab.getByRole('button', { name: 'Sign out this device' }).waitFor();
      await shot(tab, '8-delegated-account-page');
      await tab.getByRole('button', { name: 'Sign out this device' }).click();
      await tab.getByText(`The device ${device} is signed out.`).waitFor();
      await tab.close();
      await page.bringToFront();
      await page.getByTestId('elsewhere-status').filter({ hasText: 'is signed out' }).waitFor();
      await shot(page, '9-delegated-device-gone');
      await context.close();
    }
  } finally {
    await browser.close();
    await demo.close();
  }
  for (const f of written) console.log(path.relative(process.cwd(), f));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
