/**
 * The demo page in a real Chromium (Debian's, driven by playwright-core), used the way a person
 * would: typing, clicking, completing the homeserver's pages in popups, following the email link
 * from the mailbox panel, reloading in the middle, and meeting a popup blocker.
 *
 * Every test also checks what a person does not see but a demanding one would notice: each
 * screen passes axe-core with zero violations, the browser console stays free of errors and
 * warnings (React's "Cannot update a component while rendering a different component" among
 * them), and no request answers 404 (the favicon of the page and of the simulator's pages).
 *
 * The demo server (homeserver simulator + bundled page) runs in this process on free ports; the
 * tests share it and run in order, each leaving the demo accounts as seeded ("Reset the demo
 * data"). Screenshots of the screens go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../../demo/serve';
import { DEMO_ACCOUNT } from '../../src/testing';

// A hang guard, not a speed budget: the register walk (five stages, a popup, a reload, axe on
// every screen) took 30 s alone and over 90 s beside a second `npm test` on 2 cores.
jest.setTimeout(300_000);

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

/** What went wrong in a context's pages (popups included) without failing a step. */
interface Trouble {
  /** Uncaught exceptions. */
  errors: string[];
  /** Console errors and warnings (React's warnings are console errors), but HTTP statuses. */
  console: string[];
  /** Responses with status 404, as `GET url`. */
  notFound: string[];
}

interface Opened {
  context: BrowserContext;
  page: Page;
  trouble: Trouble;
}

/** A fresh context and page on the demo, watching every page of the context for trouble. */
async function openDemo(options: { viewport?: { width: number; height: number }; init?: (context: BrowserContext) => Promise<void> } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  const trouble: Trouble = { errors: [], console: [], notFound: [] };
  const watch = (p: Page) => {
    p.on('pageerror', (e) => trouble.errors.push(e.message));
    p.on('console', (m) => {
      // Chromium logs every non-2xx fetch ("Failed to load resource: … 401"): UIA's challenges are
      // 401s by design. 404s are watched through the responses below.
      if (m.text().startsWith('Failed to load resource: the server responded with a status of')) return;
      if (m.type() === 'error' || m.type() === 'warning') trouble.console.push(`${m.type()}: ${m.text()}`);
    });
  };
  context.on('page', watch);
  context.on('response', (r) => {
    // A legacy server answers the auth metadata discovery with 404 M_UNRECOGNIZED: that is how
    // a client learns it does not delegate auth (spec v1.15), not a missing file.
    if (r.status() === 404 && !/\/auth_metadata$/.test(new URL(r.url()).pathname)) trouble.notFound.push(`${r.request().method()} ${r.url()}`);
  });
  if (options.init) await options.init(context);
  const page = await context.newPage();
  await page.goto(demo.url);
  await page.getByRole('heading', { name: 'matrix-uia demo' }).waitFor();
  // The Demo data box has read the server's state.
  await page.getByTestId('demo-devices').filter({ hasText: DEMO_ACCOUNT.deviceId }).waitFor();
  return { context, page, trouble };
}

/** Closes the context and checks it saw no trouble. */
async function finish({ context, trouble }: Opened): Promise<void> {
  await context.close();
  expect(trouble).toEqual({ errors: [], console: [], notFound: [] });
}

/** The operation area (its buttons share names with the operation tabs). */
function work(page: Page) {
  return page.getByRole('region', { name: 'Operation' });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is now: zero violations (the rule ids and targets say which). */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const violations = result.violations.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(violations).toEqual([]);
}

/** Resolves once `popup` has closed (the page closes it when the stage is done). */
async function closed(popup: Page): Promise<void> {
  if (!popup.isClosed()) await popup.waitForEvent('close');
}

async function pickOperation(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Operations' }).getByRole('button', { name }).click();
}

async function ended(page: Page): Promise<void> {
  await page.locator('[data-status="done"], [data-status="failed"], [data-status="cancelled"]').waitFor();
}

async function expectSuccess(page: Page, text: RegExp): Promise<void> {
  await ended(page);
  // A failure shows its reason in the assertion message.
  expect((await page.getByTestId('final-error').count()) ? await page.getByTestId('final-error').textContent() : 'done').toBe('done');
  expect(await page.getByTestId('result').textContent()).toMatch(text);
}

async function back(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back to the operations' }).click();
}

/** Puts the demo accounts back as seeded, from the Demo data box. */
async function resetDemo(page: Page): Promise<void> {
  await page.getByTestId('demo-data').getByRole('button', { name: 'Reset the demo data' }).click();
  await page.getByTestId('demo-password').filter({ hasText: new RegExp(`^${DEMO_ACCOUNT.password}$`) }).waitFor();
}

/** Runs "Change password" from the form to its end, answering the password stage with `current`. */
async function changePassword(page: Page, current: string, next: string): Promise<void> {
  await pickOperation(page, 'Change password');
  await page.getByLabel('New password').fill(next);
  await work(page).getByRole('button', { name: 'Change password' }).click();
  await page.getByLabel('Your current password').fill(current);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(page, /password was changed/);
}

test('change password: a wrong password keeps focus in the field and says why; afterwards the demo data shows the new password and "Delete a device" works with it', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await expectAccessible(page, 'home');
  await page.getByLabel('New password').fill('brand-new-password');
  await work(page).getByRole('button', { name: 'Change password' }).click();

  const password = page.getByLabel('Your current password');
  await password.waitFor();
  // The stage heading takes focus when the stage opens.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Confirm it's you");
  expect(await password.getAttribute('aria-invalid')).toBeNull();
  await expectAccessible(page, 'password stage');
  await password.fill('not-my-password');
  await page.getByRole('button', { name: 'Continue' }).click();
  const error = page.getByTestId('stage-error');
  await error.filter({ hasText: 'That password is not correct. Try again.' }).waitFor();
  // Focus is back in the field (not on <body>), which is marked invalid and described by the error.
  await page.waitForFunction(() => document.activeElement?.id === 'uia-password');
  expect(await password.getAttribute('aria-invalid')).toBe('true');
  const describedBy = await password.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  expect(await page.locator(`#${describedBy}`).textContent()).toBe('That password is not correct. Try again.');
  await expectAccessible(page, 'wrong password');
  await shot(page, 'change-password-1-wrong-password');

  // Typing again goes straight into the field; Tab from there reaches Continue, not Cancel.
  await page.keyboard.type(DEMO_ACCOUNT.password);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Continue');
  await page.keyboard.press('Enter');
  await expectSuccess(page, /password was changed/);
  // The chart shows the parent chart ended in `done`, filled as the current state.
  expect(await page.getByTestId('parent-state').textContent()).toBe('"done"');
  expect(await page.locator('[data-state="uia.done"]').getAttribute('class')).toContain('now');
  await expectAccessible(page, 'password changed');
  // The demo data box is not stale: it shows the new password.
  await page.getByTestId('demo-password').filter({ hasText: /^brand-new-password$/ }).waitFor();
  await shot(page, 'change-password-2-done');
  await back(page);

  // "Delete a device" with the password the box shows now.
  await pickOperation(page, 'Delete a device');
  await page.getByLabel('Device to delete').selectOption('ALICEPHONE');
  await work(page).getByRole('button', { name: 'Delete device' }).click();
  await page.getByLabel('Your current password').fill((await page.getByTestId('demo-password').textContent())!);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(page, /Device ALICEPHONE was deleted/);
  await page.getByTestId('demo-devices').filter({ hasNotText: 'ALICEPHONE' }).waitFor();
  await back(page);
  // The deleted device is no longer offered.
  expect(await page.locator('#f-delete-device-deviceId option').allTextContents()).toEqual(['Tablet (ALICETABLET)', 'Old phone (ALICEOLDPHONE)']);

  await resetDemo(page);
  await page.getByTestId('demo-devices').filter({ hasText: 'ALICEPHONE' }).waitFor();
  await finish(opened);
});

test('delete a device with the password; the chart diagram marks the current state and lists its transitions', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await pickOperation(page, 'Delete a device');
  await page.locator('#f-delete-device-deviceId option').first().waitFor({ state: 'attached' });
  await page.getByLabel('Device to delete').selectOption('ALICETABLET');
  await expectAccessible(page, 'delete-device form');
  await work(page).getByRole('button', { name: 'Delete device' }).click();
  await page.getByLabel('Your current password').fill(DEMO_ACCOUNT.password);
  // While the stage waits: the parent chart is in awaitingStage and the stage chart in waiting.
  const now = page.locator('[data-diagram="parent"] .node.now');
  await now.filter({ hasText: 'awaitingStage' }).waitFor();
  expect(await page.getByTestId('stage-state').textContent()).toBe('"waiting"');
  expect(await page.getByTestId('chart-now').textContent()).toBe('Now in awaitingStage, stage password in waiting.');
  // Exactly one current state per diagram, and it is the one announced as the current step.
  expect(await page.locator('[data-diagram="parent"] [aria-current="step"]').allTextContents()).toEqual(['nowawaitingStage']);
  // The states it can go to next are marked; its transitions are listed.
  expect(await page.locator('[data-diagram="parent"] .node.next[data-state="uia.submitting"]').count()).toBe(1);
  const transitions = page.locator('[data-diagram="parent"]').getByTestId('transitions');
  expect(await transitions.textContent()).toContain('STAGE.SUBMIT → submitting');
  // Picking another state lists its transitions instead.
  await page.locator('[data-diagram="parent"] [data-state="uia.idle"] > button').click();
  await transitions.getByRole('heading', { name: 'From idle' }).waitFor();
  expect(await transitions.textContent()).toContain('START if hasConfigError → failed');
  await expectAccessible(page, 'delete-device password stage');
  await shot(page, 'delete-device-1-password');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectSuccess(page, /Device ALICETABLET was deleted/);
  await shot(page, 'delete-device-2-done');
  await back(page);
  await resetDemo(page);
  await finish(opened);
});

test('at 1280×900 the chart is beside the dialog, in view, with the current state visible', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await page.getByLabel('New password').fill('another-password');
  await work(page).getByRole('button', { name: 'Change password' }).click();
  await page.getByLabel('Your current password').waitFor();
  const dialog = (await work(page).boundingBox())!;
  const chart = (await page.getByRole('region', { name: 'Statechart' }).boundingBox())!;
  const now = (await page.locator('[data-diagram="parent"] .node.now > button').boundingBox())!;
  const stageNow = (await page.locator('[data-diagram="stage"] .node.now > button').boundingBox())!;
  expect(chart.x).toBeGreaterThanOrEqual(dialog.x + dialog.width);
  for (const box of [dialog, now, stageNow]) {
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
  }
  // Its text is readable: state names of at least 14 px.
  const size = await page.locator('[data-diagram="parent"] .node-name').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(size).toBeGreaterThanOrEqual(14);
  await page.screenshot({ path: path.join(SHOTS, 'layout-1280x900.png') });
  await work(page).getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('final-title').filter({ hasText: 'Cancelled' }).waitFor();
  // Cancelling says so in plain words, without protocol jargon.
  expect(await page.getByTestId('final-error').textContent()).toBe('You cancelled. Nothing was changed.');
  expect(await work(page).textContent()).not.toMatch(/User-interactive authentication|UIA/i);
  await expectAccessible(page, 'cancelled');
  await finish(opened);
});

test('at 390 px: one column without sideways scrolling, the token hint shows the token, the chart can be used', async () => {
  const opened = await openDemo({ viewport: { width: 390, height: 844 } });
  const { page } = opened;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, 'home at 390 px');
  await pickOperation(page, 'Register');
  await page.getByLabel('Password', { exact: true }).fill('a-secret-1');
  await page.getByLabel('Email address').fill('phone-user@example.org');
  await work(page).getByRole('button', { name: 'Create account' }).click();
  const hint = page.getByTestId('token-hint');
  await hint.waitFor();
  // The hint names the token itself (no "box on the left" that is not on the left on a phone).
  expect(await hint.textContent()).toBe(DEMO_ACCOUNT.registrationToken);
  expect(await page.locator('body').textContent()).not.toContain('on the left');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, 'token stage at 390 px');
  // The chart below: the current state is marked, and tapping a state shows its transitions.
  const stateNode = page.locator('[data-diagram="parent"] [data-state="uia.polling"] > button');
  await stateNode.scrollIntoViewIfNeeded();
  await stateNode.click();
  await page.locator('[data-diagram="parent"]').getByTestId('transitions').getByRole('heading', { name: 'From polling' }).waitFor();
  expect(await page.locator('[data-diagram="parent"] .node.now').textContent()).toContain('awaitingStage');
  await shot(page, 'register-390-token');
  await work(page).getByRole('button', { name: 'Cancel' }).click();
  await ended(page);
  await finish(opened);
});

test('register: token, terms, recaptcha in the fallback popup, email link from the mailbox after a reload', async () => {
  const opened = await openDemo();
  const { context, page } = opened;
  await pickOperation(page, 'Register');
  const username = `alice${Date.now() % 100000}`;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('alice-secret-1');
  await page.getByLabel('Email address').fill(`${username}@example.org`);
  await work(page).getByRole('button', { name: 'Create account' }).click();

  // Registration token.
  const token = page.getByRole('textbox', { name: 'Registration token' });
  await token.fill('WRONG-TOKEN');
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByTestId('stage-error').filter({ hasText: /./ }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'uia-token');
  expect(await token.getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(page, 'wrong token');
  await token.fill((await page.getByTestId('token-hint').textContent())!);
  await shot(page, 'register-1-token');
  await page.getByRole('button', { name: 'Use token' }).click();

  // Terms: the button stays disabled until the policy is ticked.
  const accept = page.getByRole('button', { name: 'Accept and continue' });
  await accept.waitFor();
  expect(await accept.isDisabled()).toBe(true);
  await page.getByRole('checkbox', { name: /I accept the/ }).check();
  await expectAccessible(page, 'terms');
  await shot(page, 'register-2-terms');
  await accept.click();

  // Recaptcha on the homeserver's fallback page, in a popup opened from the click.
  const open = page.getByRole('button', { name: 'Open the page' });
  await open.waitFor();
  await expectAccessible(page, 'recaptcha fallback');
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  await popup.waitForLoadState();
  await page.getByTestId('window-status').filter({ hasText: 'A window is open' }).waitFor();
  await popup.getByLabel('Answer').fill('i am human');
  await expectAccessible(popup, 'recaptcha fallback page');
  await shot(popup, 'register-3-recaptcha-popup');
  await Promise.all([closed(popup), popup.getByRole('button', { name: 'Submit' }).click()]);

  // Email: the link goes to the address; the page waits and polls.
  await page.getByTestId('email-status').filter({ hasText: 'We sent a link' }).waitFor();
  await page.getByTestId('mail').filter({ hasText: `${username}@example.org` }).waitFor();
  await expectAccessible(page, 'email sent');
  await shot(page, 'register-4-email-sent');

  // The page is reloaded in the middle of the email stage: the negotiation resumes after the
  // password (never stored) is typed again.
  await page.reload();
  await work(page).getByRole('button', { name: 'Resume' }).waitFor();
  expect(await page.getByLabel('Username').inputValue()).toBe(username);
  await expectAccessible(page, 'resume after reload');
  await page.getByLabel('Password', { exact: true }).fill('alice-secret-1');
  await work(page).getByRole('button', { name: 'Resume' }).click();
  await page.getByText('Resumed the negotiation saved before the page was reloaded.').waitFor();
  await page.getByTestId('email-status').filter({ hasText: 'We sent a link' }).waitFor();
  expect(await page.getByTestId('mail').count()).toBe(1);

  // The user clicks the link in the mailbox; the validation page opens in a new tab.
  const [linkTab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('mail').getByRole('link', { name: 'Validate this address' }).click()]);
  await linkTab.getByText('is validated').waitFor();
  await expectAccessible(linkTab, 'email validation page');
  await linkTab.close();
  await page.bringToFront();
  await expectSuccess(page, new RegExp(`Account @${username}:localhost created`));
  await expectAccessible(page, 'registered');
  await shot(page, 'register-5-done');
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k === 'matrix-uia-demo:register'))).toEqual([]);
  await finish(opened);
});

test('register with a taken username: a human message, and the form keeps the username and email', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await pickOperation(page, 'Register');
  await page.getByLabel('Username').fill(DEMO_ACCOUNT.localpart);
  await page.getByLabel('Password', { exact: true }).fill('some-secret-1');
  await page.getByLabel('Email address').fill('taken@example.org');
  await work(page).getByRole('button', { name: 'Create account' }).click();
  await ended(page);
  expect(await page.getByTestId('final-title').textContent()).toBe('That username is taken');
  expect(await page.getByTestId('final-error').textContent()).toBe('Someone already has this username. Choose another one and try again.');
  // The raw text is only under "Technical details".
  expect(await page.getByTestId('final-detail').isVisible()).toBe(false);
  expect(await page.getByTestId('final-detail').textContent()).toContain('M_USER_IN_USE');
  await expectAccessible(page, 'username taken');
  await shot(page, 'register-taken-username');
  await back(page);
  expect(await page.getByLabel('Username').inputValue()).toBe(DEMO_ACCOUNT.localpart);
  expect(await page.getByLabel('Email address').inputValue()).toBe('taken@example.org');
  // The password is not kept: it went to the request and nowhere else.
  expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
  // Another operation and back: still there.
  await pickOperation(page, 'Change password');
  await pickOperation(page, 'Register');
  expect(await page.getByLabel('Username').inputValue()).toBe(DEMO_ACCOUNT.localpart);
  expect(await page.getByLabel('Email address').inputValue()).toBe('taken@example.org');
  await finish(opened);
});

test('deactivate: single sign-on in the popup; then deactivating again is not offered until the demo data is reset', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await pickOperation(page, 'Deactivate an account');
  await work(page).getByRole('button', { name: 'Deactivate @leaving' }).click();
  const open = page.getByRole('button', { name: 'Open the page' });
  await open.waitFor();
  await page.getByRole('heading', { name: 'Sign in with single sign-on' }).waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  await popup.getByRole('heading', { name: 'Single sign-on' }).waitFor();
  await expectAccessible(popup, 'SSO fallback page');
  await shot(popup, 'deactivate-1-sso-popup');
  await Promise.all([closed(popup), popup.getByRole('button', { name: 'Continue' }).click()]);
  await expectSuccess(page, /deactivated/);
  await expectAccessible(page, 'deactivated');
  await shot(page, 'deactivate-2-done');
  await back(page);
  // The account is closed: the operation says so instead of failing with M_UNKNOWN_TOKEN.
  await page.getByTestId('leaving-state').filter({ hasText: 'deactivated' }).waitFor();
  await page.getByTestId('unavailable').filter({ hasText: '@leaving:localhost is already deactivated.' }).waitFor();
  expect(await work(page).getByRole('button', { name: 'Deactivate @leaving' }).isDisabled()).toBe(true);
  await expectAccessible(page, 'deactivate unavailable');
  await work(page).getByRole('button', { name: 'Reset the demo data' }).click();
  await page.getByTestId('unavailable').waitFor({ state: 'detached' });
  expect(await work(page).getByRole('button', { name: 'Deactivate @leaving' }).isEnabled()).toBe(true);
  await finish(opened);
});

test('reset cross-signing: a blocked popup is reported, the offered link opens the approval page, its button approves', async () => {
  const opened = await openDemo({
    init: async (ctx) => {
      // A popup blocker: window.open returns null, as browsers do when they block a window.
      await ctx.addInitScript(() => {
        window.open = () => null;
      });
    },
  });
  const { context, page } = opened;
  await pickOperation(page, 'Reset cross-signing');
  await work(page).getByRole('button', { name: 'Reset cross-signing keys' }).click();
  await page.getByRole('button', { name: 'Open the approval page' }).click();
  const blocked = page.getByRole('alert').filter({ hasText: 'Your browser blocked the window' });
  await blocked.waitFor();
  await expectAccessible(page, 'popup blocked');
  await shot(page, 'cross-signing-1-blocked');
  const [tab] = await Promise.all([context.waitForEvent('page'), blocked.getByRole('link', { name: 'Open the page yourself' }).click()]);
  await tab.getByRole('heading', { name: 'Approve this request?' }).waitFor();
  await expectAccessible(tab, 'approval page');
  await tab.getByRole('button', { name: 'Approve' }).click();
  await tab.getByRole('heading', { name: 'Request approved' }).waitFor();
  await expectAccessible(tab, 'approved page');
  await page.bringToFront();
  await expectSuccess(page, /cross-signing keys were uploaded/);
  await shot(page, 'cross-signing-2-done');
  await finish(opened);
});

test('reset cross-signing with Inspect on: the popup asks before approving; no React warning; sanitised events', async () => {
  const opened = await openDemo();
  const { page } = opened;
  await page.getByRole('switch', { name: 'Record inspection events' }).check();
  await pickOperation(page, 'Reset cross-signing');
  await work(page).getByRole('button', { name: 'Reset cross-signing keys' }).click();
  const open = page.getByRole('button', { name: 'Open the approval page' });
  await open.waitFor();
  await expectAccessible(page, 'approval stage');
  const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  // The page asks: nothing is approved until its button is pressed.
  await popup.getByRole('heading', { name: 'Approve this request?' }).waitFor();
  expect(await popup.getByText('reset your cross-signing keys').count()).toBe(1);
  await page.getByTestId('window-status').filter({ hasText: 'A window is open' }).waitFor();
  expect(await page.locator('[data-status="active"]').count()).toBe(1);
  await shot(popup, 'cross-signing-3-approval-popup');
  await Promise.all([closed(popup), popup.getByRole('button', { name: 'Approve' }).click()]);
  await expectSuccess(page, /cross-signing keys were uploaded/);
  const log = page.getByTestId('inspect-lines');
  await log.getByText('OAUTH.DONE').first().waitFor();
  expect(await log.textContent()).not.toContain(DEMO_ACCOUNT.password);
  await expectAccessible(page, 'inspect on, done');
  await shot(page, 'cross-signing-4-popup-done');
  // finish() checks the console: React's "Cannot update a component (InspectPanel) while
  // rendering a different component (UiaDialog)" would be there.
  await finish(opened);
});

test('the demo server and the simulator answer the favicon', async () => {
  expect((await fetch(`${demo.url}favicon.ico`)).status).toBe(204);
  expect((await fetch(`${demo.homeserverUrl}/favicon.ico`)).status).toBe(200);
});

describe('the next-generation server (OAuth 2.0, MAS-style)', () => {
  /** Requests the page sent to the delegated homeserver, as `METHOD path`. */
  function delegatedRequests(context: BrowserContext): string[] {
    const seen: string[] = [];
    context.on('request', (r) => {
      if (r.url().startsWith(demo.delegatedHomeserverUrl)) seen.push(`${r.method()} ${new URL(r.url()).pathname}${r.postData() ? ` ${r.postData()}` : ''}`);
    });
    return seen;
  }

  async function pickDelegated(page: Page): Promise<void> {
    await page.getByRole('radio', { name: /Next-generation server/ }).check();
    await page.getByTestId('homeserver-url').filter({ hasText: demo.delegatedHomeserverUrl }).waitFor();
    await page.getByTestId('demo-devices').filter({ hasText: DEMO_ACCOUNT.deviceId }).waitFor();
  }

  test('deleting a device: "Continue on your account page" with the link, the account page signs it out, the device list updates', async () => {
    const opened = await openDemo();
    const { context, page } = opened;
    const sent = delegatedRequests(context);
    await pickDelegated(page);
    await expectAccessible(page, 'delegated server picked');
    await pickOperation(page, 'Delete a device');
    // The form says before anything is sent where it will continue.
    expect(await page.getByTestId('delegated-note').textContent()).toBe('This server signs devices out on your account page, not in apps. The request is not sent: this page gives you the link instead.');
    await page.getByLabel('Device to delete').selectOption('ALICEPHONE');
    await work(page).getByRole('button', { name: 'Delete device' }).click();

    const outcome = page.getByTestId('delegated');
    await outcome.getByRole('heading', { name: 'Continue on your account page' }).waitFor();
    // The heading takes focus, as a stage's does.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Continue on your account page');
    const link = page.getByTestId('account-link');
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(`${demo.delegatedHomeserverUrl}/_simulator/account?action=org.matrix.device_delete&device_id=ALICEPHONE`);
    await page.getByTestId('elsewhere-status').filter({ hasText: 'Device ALICEPHONE is still signed in.' }).waitFor();
    // The chart never left idle, and says why.
    expect(await page.getByTestId('chart-now').textContent()).toBe('Now in idle. Nothing is negotiated: this server does it on its account page, so the chart stays in idle.');
    await expectAccessible(page, 'continue on the account page');
    await shot(page, 'delegated-1-continue');
    // Nothing was asked of the user and nothing sent to the endpoint: no password, no DELETE.
    expect(await page.getByLabel('Your current password').count()).toBe(0);
    expect(sent.filter((r) => !r.startsWith('GET '))).toEqual([]);

    // The link opens the simulator's account page in a new tab; its button signs the device out.
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.getByRole('heading', { name: 'Sign out a device' }).waitFor();
    await expectAccessible(tab, 'account page');
    await shot(tab, 'delegated-2-account-page');
    await tab.getByRole('button', { name: 'Sign out this device' }).click();
    await tab.getByText('The device ALICEPHONE is signed out.').waitFor();
    await tab.close();
    await page.bringToFront();

    // Back on the demo: it noticed, and the device list no longer has it.
    await page.getByTestId('elsewhere-status').filter({ hasText: 'Device ALICEPHONE is signed out. The device list is up to date.' }).waitFor();
    await page.getByTestId('demo-devices').filter({ hasNotText: 'ALICEPHONE' }).waitFor();
    await expectAccessible(page, 'done on the account page');
    await shot(page, 'delegated-3-device-gone');
    await back(page);
    expect(await page.locator('#f-delete-device-deviceId option').allTextContents()).toEqual(['Tablet (ALICETABLET)', 'Old phone (ALICEOLDPHONE)']);
    // The legacy server's accounts are their own: its list still has the device.
    await page.getByRole('radio', { name: /Legacy server/ }).check();
    await page.getByTestId('demo-devices').filter({ hasText: 'ALICEPHONE' }).waitFor();
    await pickDelegated(page);
    await page.getByTestId('demo-devices').filter({ hasNotText: 'ALICEPHONE' }).waitFor();
    await resetDemo(page);
    await page.getByTestId('demo-devices').filter({ hasText: 'ALICEPHONE' }).waitFor();
    await finish(opened);
  });

  test('a server that turned delegating after the page asked: its 404 M_UNRECOGNIZED leads to the account page too', async () => {
    const opened = await openDemo({
      init: async (ctx) => {
        // The first discovery finds a legacy server (as before an upgrade to MAS).
        await ctx.route(
          (url) => url.href.startsWith(demo.delegatedHomeserverUrl) && url.pathname.endsWith('/auth_metadata'),
          (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }) }),
          { times: 1 },
        );
      },
    });
    const { page } = opened;
    await pickDelegated(page);
    await pickOperation(page, 'Delete a device');
    // Taken for a legacy server: no note, and the request goes out (as the start of a UIA negotiation)…
    expect(await page.getByTestId('delegated-note').count()).toBe(0);
    await page.getByLabel('Device to delete').selectOption('ALICETABLET');
    await work(page).getByRole('button', { name: 'Delete device' }).click();
    // …but the server refuses the endpoint (404 M_UNRECOGNIZED, before any password), and the
    // page asks discovery again and sends the user to the account page.
    await page.getByTestId('delegated').getByRole('heading', { name: 'Continue on your account page' }).waitFor();
    expect(await page.getByTestId('account-link').getAttribute('href')).toBe(`${demo.delegatedHomeserverUrl}/_simulator/account?action=org.matrix.device_delete&device_id=ALICETABLET`);
    expect(await page.getByLabel('Your current password').count()).toBe(0);
    expect(await page.getByTestId('final-error').count()).toBe(0);
    await expectAccessible(page, 'late account page outcome');
    // That refusal is the one 404 of this test, and it is the server's word, not a missing file.
    expect(opened.trouble.notFound).toEqual([`DELETE ${demo.delegatedHomeserverUrl}/_matrix/client/v3/devices/ALICETABLET`]);
    opened.trouble.notFound.length = 0;
    await finish(opened);
  });

  test('password change and registration say where to go; the cross-signing reset is approved on the account page and completes', async () => {
    const opened = await openDemo();
    const { context, page } = opened;
    const sent = delegatedRequests(context);
    await pickDelegated(page);

    await page.getByLabel('New password').fill('never-sent-password');
    await work(page).getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('delegated').getByRole('heading', { name: 'Continue on your account page' }).waitFor();
    expect(await page.getByTestId('account-link').getAttribute('href')).toBe(`${demo.delegatedHomeserverUrl}/_simulator/account`);
    await back(page);

    await pickOperation(page, 'Register');
    await page.getByLabel('Password', { exact: true }).fill('never-sent-either');
    await page.getByLabel('Email address').fill('new@example.org');
    await work(page).getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('delegated').getByRole('heading', { name: 'Register on the sign-in page' }).waitFor();
    expect(await page.getByTestId('issuer').textContent()).toBe(`${demo.delegatedHomeserverUrl}/_simulator/oauth2/`);
    await expectAccessible(page, 'register on the sign-in page');
    await back(page);
    // Neither password went anywhere.
    expect(sent.join('\n')).not.toContain('never-sent');
    expect(sent.filter((r) => !r.startsWith('GET '))).toEqual([]);

    // The cross-signing reset runs through UIA (m.oauth) on this server too: approved on the account page.
    await pickOperation(page, 'Reset cross-signing');
    await work(page).getByRole('button', { name: 'Reset cross-signing keys' }).click();
    const open = page.getByRole('button', { name: 'Open the approval page' });
    await open.waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), open.click()]);
    await popup.getByRole('heading', { name: 'Allow resetting your encryption identity' }).waitFor();
    expect(await popup.getByText(`Signed in as ${DEMO_ACCOUNT.userId}`).count()).toBe(1);
    await expectAccessible(popup, 'cross-signing reset approval on the account page');
    // The dialog's next check sees the approval and closes its window (closeOnDone): on a busy
    // machine that can happen before the confirmation is looked for: a closed window ends the wait.
    await popup.getByRole('button', { name: 'Allow the reset' }).click();
    await popup
      .getByText('You allowed the reset')
      .waitFor()
      .catch((e: unknown) => {
        if (!popup.isClosed()) throw e;
      });
    if (!popup.isClosed()) await popup.close();
    await page.bringToFront();
    await expectSuccess(page, /cross-signing keys were uploaded/);
    await shot(page, 'delegated-4-cross-signing-done');
    await finish(opened);
  });
});
