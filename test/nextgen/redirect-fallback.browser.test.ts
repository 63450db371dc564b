/**
 * Regression, in a real Chromium (Debian's, playwright-core): the redirect-only fallback page.
 * The app runs the m.oauth stage on its fallback page; Synapse (here the `delegated` preset on
 * 127.0.0.1) answers that page with a 302 to the approval page, which never posts `authDone`.
 * The user approves in the popup, then closes it, or comes back to the tab: the negotiation
 * completes, and the keys are replaced.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { DEMO_ACCOUNT, delegatedConfig, startHomeserver, type StartedHomeserver } from '../../src/testing';

// A hang guard, not a speed budget (Chromium under a loaded machine is many times slower).
jest.setTimeout(180_000);
const ROOT = path.resolve(__dirname, '../..');
let browser: Browser;
let pageServer: Server;
let pageUrl: string;
let bundle: string;

beforeAll(async () => {
  const out = await build({
    entryPoints: [path.join(__dirname, 'browser-page/reset-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    alias: { 'matrix-uia': path.join(ROOT, 'src/index.ts'), 'matrix-uia/browser': path.join(ROOT, 'src/browser/index.ts'), 'matrix-uia/fetch': path.join(ROOT, 'src/fetch/index.ts') },
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  pageServer = createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
      return;
    }
    const keys = new URL(req.url ?? '/', 'http://x').searchParams.get('keys') ?? '{}';
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(
      `<!DOCTYPE html><title>reset</title><p id="status">loading</p><p id="events"></p><button id="open">Open the page</button><script>window.RESET_KEYS = ${keys};</script><script src="/page.js"></script>`,
    );
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
});

async function openResetPage(): Promise<{ hs: StartedHomeserver; page: Page; keys: ReturnType<typeof generateCrossSigningKeys>['keys']; errors: string[] }> {
  const hs = await startHomeserver(delegatedConfig());
  const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${pageUrl}?hs=${encodeURIComponent(hs.url)}&token=${DEMO_ACCOUNT.accessToken}&keys=${encodeURIComponent(JSON.stringify(keys))}`);
  await page.getByText('stage: m.oauth (fallback)').waitFor();
  return { hs, page, keys, errors };
}

/** Opens the fallback page from a click; in the popup, the redirect lands on the approval page; "Allow the reset". */
async function approveInPopup(page: Page): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#open')]);
  await popup.getByRole('button', { name: 'Allow the reset' }).waitFor();
  expect(popup.url()).toMatch(/\/_simulator\/account\?action=org\.matrix\.cross_signing_reset$/);
  await popup.getByRole('button', { name: 'Allow the reset' }).click();
  await popup.getByText('You allowed the reset').waitFor();
  return popup;
}

test('the popup only redirects: approved there and closed, the negotiation completes', async () => {
  const { hs, page, keys, errors } = await openResetPage();
  const popup = await approveInPopup(page);
  expect(await page.textContent('#events')).toMatch(/\[open .*\/auth\/m\.oauth\/fallback\/web\?session=dummy\]/);
  await popup.close();
  await page.getByText('finished: done').waitFor();
  expect(await page.textContent('#events')).toContain('closed');
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  expect(errors).toEqual([]);
  await page.context().close();
  await hs.close();
});

test('the popup only redirects: approved there and left open, back on the tab (focus) completes it', async () => {
  const { hs, page, keys, errors } = await openResetPage();
  await approveInPopup(page);
  // The user returns to the app's tab; the popup stays open and never posts authDone.
  await page.bringToFront();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await page.getByText('finished: done').waitFor();
  expect(await page.textContent('#events')).not.toContain('done ');
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  expect(errors).toEqual([]);
  await page.context().close();
  await hs.close();
});
