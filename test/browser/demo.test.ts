/**
 * The demo page in a real Chromium (Debian's, driven by playwright-core), used the way a person
 * would: typing, clicking, completing the homeserver's pages in popups, following the email link
 * from the mailbox panel, reloading in the middle, and meeting a popup blocker.
 *
 * The demo server (homeserver simulator + bundled page) runs in this process on free ports.
 * Screenshots of each finished stage go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../../demo/serve';
import { DEMO_ACCOUNT } from '../../src/testing';

jest.setTimeout(60_000);

const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const CHROMIUM = '/usr/bin/chromium';

let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo({ port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** A fresh context and page on the demo, with page errors collected. */
async function openDemo(init?: (context: BrowserContext) => Promise<void>): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  context.setDefaultTimeout(10_000);
  if (init) await init(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(demo.url);
  await page.getByRole('heading', { name: 'matrix-uia demo' }).waitFor();
  return { context, page, errors };
}

/** The operation area (its buttons share names with the operation tabs). */
function work(page: Page) {
  return page.getByRole('region', { name: 'Operation' });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Resolves once `popup` has closed (the page closes it when the stage is done). */
async function closed(popup: Page): Promise<void> {
  if (!popup.isClosed()) await popup.waitForEvent('close');
}

async function pickOperation(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Operations' }).getByRole('button', { name }).click();
}

async function expectSuccess(page: Page, text: RegExp): Promise<void> {
  await page.locator('[data-status="done"], [data-status="failed"]').waitFor();
  // A failure shows its reason in the assertion message.
  expect(await page.getByTestId('final-error').count() ? await page.getByTestId('final-error').textContent() : 'done').toBe('done');
  expect(await page.getByTestId('result').textContent()).toMatch(text);
}

test('change password: a wrong password shows the error, the right one succeeds', async () => {
  const { context, page, errors } = await openDemo();
  await page.getByLabel('New password').fill('brand-new-password');
  await work(page).getByRole('button', { name: 'Change password' }).click();

  const password = page.getByLabel('Your current password');
  await password.waitFor();
  // The stage heading takes focus when the stage opens.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Confirm it's you");
  await password.fill('not-my-password');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('stage-error').filter({ hasText: /invalid|forbidden|password/i }).waitFor();
  await shot(page, 'change-password-1-wrong-password');

  await password.fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(page, /password was changed/);
  // The chart panel shows the parent chart ended in `done`.
  expect(await page.getByTestId('parent-state').textContent()).toBe('"done"');
  expect(await page.locator('[data-state="uia.done"]').getAttribute('class')).toContain('active');
  await shot(page, 'change-password-2-done');
  expect(errors).toEqual([]);
  await context.close();

  // Restore the password for the other tests (they sign in as the same account).
  const again = await openDemo();
  await again.page.getByLabel('New password').fill(DEMO_ACCOUNT.password);
  await work(again.page).getByRole('button', { name: 'Change password' }).click();
  await again.page.getByLabel('Your current password').fill('brand-new-password');
  await again.page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(again.page, /password was changed/);
  await again.context.close();
});

test('delete a device with the password; the chart panel follows the negotiation', async () => {
  const { context, page, errors } = await openDemo();
  await pickOperation(page, 'Delete a device');
  const select = page.getByLabel('Device to delete');
  await page.locator('#f-delete-device-deviceId option').first().waitFor({ state: 'attached' });
  await select.selectOption('ALICETABLET');
  await work(page).getByRole('button', { name: 'Delete device' }).click();
  await page.getByLabel('Your current password').fill(DEMO_ACCOUNT.password);
  // While the stage waits: the parent chart is in awaitingStage and the stage chart in waiting.
  await page.locator('[data-state="uia.awaitingStage"].active').waitFor();
  expect(await page.getByTestId('stage-state').textContent()).toBe('"waiting"');
  await shot(page, 'delete-device-1-password');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(page, /Device ALICETABLET was deleted/);
  await shot(page, 'delete-device-2-done');
  expect(errors).toEqual([]);
  await context.close();
});

test('register: token, terms, recaptcha in the fallback popup, email link from the mailbox after a reload', async () => {
  const { context, page, errors } = await openDemo();
  await pickOperation(page, 'Register');
  const username = `alice${Date.now() % 100000}`;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('alice-secret-1');
  await page.getByLabel('Email address').fill(`${username}@example.org`);
  await work(page).getByRole('button', { name: 'Create account' }).click();

  // Registration token.
  await page.getByRole('textbox', { name: 'Registration token' }).fill('WRONG-TOKEN');
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByTestId('stage-error').filter({ hasText: /./ }).waitFor();
  await page.getByRole('textbox', { name: 'Registration token' }).fill((await page.getByTestId('registration-token').textContent())!);
  await shot(page, 'register-1-token');
  await page.getByRole('button', { name: 'Use token' }).click();

  // Terms: the button stays disabled until the policy is ticked.
  const accept = page.getByRole('button', { name: 'Accept and continue' });
  await accept.waitFor();
  expect(await accept.isDisabled()).toBe(true);
  await page.getByRole('checkbox', { name: /I accept the/ }).check();
  await shot(page, 'register-2-terms');
  await accept.click();

  // Recaptcha on the homeserver's fallback page, in a popup opened from the click.
  const open = page.getByRole('button', { name: 'Open the page' });
  await open.waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  await popup.waitForLoadState();
  await page.getByTestId('window-status').filter({ hasText: 'A window is open' }).waitFor();
  await popup.getByLabel('Answer').fill('i am human');
  await shot(popup, 'register-3-recaptcha-popup');
  await Promise.all([closed(popup), popup.getByRole('button', { name: 'Submit' }).click()]);

  // Email: the link goes to the address; the page waits and polls.
  await page.getByTestId('email-status').filter({ hasText: 'We sent a link' }).waitFor();
  await page.getByTestId('mail').filter({ hasText: `${username}@example.org` }).waitFor();
  await shot(page, 'register-4-email-sent');

  // The page is reloaded in the middle of the email stage: the negotiation resumes after the
  // password (never stored) is typed again.
  await page.reload();
  await work(page).getByRole('button', { name: 'Resume' }).waitFor();
  expect(await page.getByLabel('Username').inputValue()).toBe(username);
  await page.getByLabel('Password').fill('alice-secret-1');
  await work(page).getByRole('button', { name: 'Resume' }).click();
  await page.getByText('Resumed the negotiation saved before the page was reloaded.').waitFor();
  await page.getByTestId('email-status').filter({ hasText: 'We sent a link' }).waitFor();
  expect(await page.getByTestId('mail').count()).toBe(1);

  // The user clicks the link in the mailbox; the validation page opens in a new tab.
  const [linkTab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('mail').getByRole('link', { name: 'Validate this address' }).click()]);
  await linkTab.getByText('is validated').waitFor();
  await linkTab.close();
  await page.bringToFront();
  await expectSuccess(page, new RegExp(`Account @${username}:localhost created`));
  await shot(page, 'register-5-done');
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k === 'matrix-uia-demo:register'))).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('deactivate: single sign-on completed in the popup', async () => {
  const { context, page, errors } = await openDemo();
  await pickOperation(page, 'Deactivate an account');
  await work(page).getByRole('button', { name: 'Deactivate @leaving' }).click();
  const open = page.getByRole('button', { name: 'Open the page' });
  await open.waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  await popup.getByRole('heading', { name: 'Single sign-on' }).waitFor();
  await shot(popup, 'deactivate-1-sso-popup');
  await Promise.all([closed(popup), popup.getByRole('button', { name: 'Continue' }).click()]);
  await expectSuccess(page, /deactivated/);
  await shot(page, 'deactivate-2-done');
  expect(errors).toEqual([]);
  await context.close();
});

test('reset cross-signing: a blocked popup is reported, the offered link completes it', async () => {
  const { context, page, errors } = await openDemo(async (ctx) => {
    // A popup blocker: window.open returns null, as browsers do when they block a window.
    await ctx.addInitScript(() => {
      window.open = () => null;
    });
  });
  await pickOperation(page, 'Reset cross-signing');
  await work(page).getByRole('button', { name: 'Reset cross-signing keys' }).click();
  await page.getByRole('button', { name: 'Open the approval page' }).click();
  const blocked = page.getByRole('alert').filter({ hasText: 'Your browser blocked the window' });
  await blocked.waitFor();
  await shot(page, 'cross-signing-1-blocked');
  const [tab] = await Promise.all([context.waitForEvent('page'), blocked.getByRole('link', { name: 'Open the page yourself' }).click()]);
  await tab.getByRole('heading', { name: 'Request approved' }).waitFor();
  await page.bringToFront();
  await expectSuccess(page, /cross-signing keys were uploaded/);
  await shot(page, 'cross-signing-2-done');
  expect(errors).toEqual([]);
  await context.close();
});

test('reset cross-signing: approval in the popup continues the chart; inspection shows sanitised events', async () => {
  const { context, page, errors } = await openDemo();
  await page.getByRole('switch', { name: 'Record inspection events' }).check();
  await pickOperation(page, 'Reset cross-signing');
  await work(page).getByRole('button', { name: 'Reset cross-signing keys' }).click();
  const open = page.getByRole('button', { name: 'Open the approval page' });
  await open.waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  // Opening the approval page approves; its script tells this page, and closing is up to us.
  await closed(popup);
  await expectSuccess(page, /cross-signing keys were uploaded/);
  const log = page.getByTestId('inspect-lines');
  await log.getByText('OAUTH.DONE').first().waitFor();
  await shot(page, 'cross-signing-3-popup-done');
  expect(errors).toEqual([]);
  await context.close();
});
