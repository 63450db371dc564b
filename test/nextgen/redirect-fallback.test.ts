/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * Regression: the redirect-only fallback page. Synapse with MAS answers the `m.oauth` /
 * `org.matrix.cross_signing_reset` fallback page with a 302 to the approval page, which never
 * posts `authDone` back. An app that runs the stage on its fallback page (no oauth machine in
 * its stage set, as matrix-js-sdk apps do) must still finish: by the re-check when the tab
 * regains focus, when the popup is closed, or by polling alone. With the oauth machine the
 * approval page itself is opened.
 */
import { dummyStageMachine, fallbackStageMachine, oauthStageMachine, passwordStageMachine } from '../../machines/stages';
import { connectUiaToPage, openAuthWindow, type AuthWindowEvent } from '../../src/browser';
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { createMatrixClient, endpointFunctions, uploadCrossSigningKeysCall } from '../../src/fetch';
import { selectStage } from '../../src/api/selectors';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { createHomeserver, DEMO_ACCOUNT, delegatedConfig, type Homeserver } from '../../src/testing';

const BASE = 'http://hs.test';
/** A stage set without the oauth machine: the stage is done on its fallback page. */
const FALLBACK_ONLY = { dummy: dummyStageMachine, password: passwordStageMachine, fallback: fallbackStageMachine } as const;
const WITH_OAUTH = { ...FALLBACK_ONLY, oauth: oauthStageMachine } as const;

afterEach(() => jest.restoreAllMocks());

function fakePopup() {
  return { closed: false, close: jest.fn(function (this: { closed: boolean }) { this.closed = true; }), focus: jest.fn() } as unknown as Window & { close: jest.Mock; closed: boolean };
}

function until(actor: UiaActor, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const sub = actor.subscribe({
      next: () => {
        if (!check()) return;
        sub.unsubscribe();
        resolve();
      },
      complete: () => check() && resolve(),
    });
  });
}

/** The user approves the reset on the account page (the form's POST). */
async function approve(hs: Homeserver): Promise<void> {
  const res = await hs.fetch(`${BASE}/_simulator/account`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'action=org.matrix.cross_signing_reset',
  });
  expect(res.status).toBe(200);
}

async function resetWaitingOnPage(stages: typeof FALLBACK_ONLY | typeof WITH_OAUTH, intervalMs = 3_600_000) {
  const hs = createHomeserver(delegatedConfig());
  const client = createMatrixClient({ baseUrl: BASE, accessToken: DEMO_ACCOUNT.accessToken, fetch: hs.fetch });
  const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
  const popup = fakePopup();
  const open = jest.spyOn(window, 'open').mockReturnValue(popup);
  const actor = createUiaActor<unknown>({ stages, ...endpointFunctions(client, uploadCrossSigningKeysCall(keys)), homeserverUrl: BASE, polling: { intervalMs, backoffFactor: 1, maxIntervalMs: intervalMs } });
  actor.start();
  const disconnect = connectUiaToPage(actor);
  actor.send({ type: 'START' });
  await until(actor, () => selectStage(actor.getSnapshot()) !== null);
  const events: AuthWindowEvent[] = [];
  const handle = openAuthWindow(actor, { onEvent: (e) => events.push(e) });
  return { hs, actor, popup, open, handle, events, disconnect, keys };
}

test('the fallback page only redirects (302 to the approval url, no authDone)', async () => {
  const hs = createHomeserver(delegatedConfig());
  for (const type of ['m.oauth', 'org.matrix.cross_signing_reset']) {
    const res = await hs.fetch(`${BASE}/_matrix/client/v3/auth/${type}/fallback/web?session=dummy`, { method: 'GET', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${BASE}/_simulator/account?action=org.matrix.cross_signing_reset`);
  }
});

test('regression: fallback page that only redirects — completed by the focus re-check', async () => {
  const { hs, actor, open, events, disconnect, keys } = await resetWaitingOnPage(FALLBACK_ONLY);
  expect(selectStage(actor.getSnapshot())).toMatchObject({ type: 'm.oauth', kind: 'fallback' });
  expect(open.mock.calls[0]![0]).toBe(`${BASE}/_matrix/client/v3/auth/m.oauth/fallback/web?session=dummy`);
  expect(events[0]).toMatchObject({ type: 'opened' });
  await approve(hs);
  // No authDone will come. The user comes back to the tab:
  window.dispatchEvent(new Event('focus'));
  await until(actor, () => actor.getSnapshot().status === 'done');
  expect(actor.getSnapshot().output?.status).toBe('done');
  expect(hs.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  disconnect();
});

test('regression: fallback page that only redirects — completed when the user closes the popup', async () => {
  const { hs, actor, popup, events, disconnect } = await resetWaitingOnPage(FALLBACK_ONLY);
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
  try {
    await approve(hs);
    popup.closed = true;
    await jest.advanceTimersByTimeAsync(600); // the popup-closed check runs every 500 ms
  } finally {
    jest.useRealTimers();
  }
  await until(actor, () => actor.getSnapshot().status === 'done');
  expect(events.map((e) => e.type)).toContain('closed');
  expect(actor.getSnapshot().output?.status).toBe('done');
  disconnect();
});

test('regression: fallback page that only redirects — polling alone sees the approval', async () => {
  const { hs, actor, disconnect } = await resetWaitingOnPage(FALLBACK_ONLY, 50);
  await approve(hs);
  await until(actor, () => actor.getSnapshot().status === 'done');
  expect(actor.getSnapshot().output?.status).toBe('done');
  disconnect();
});

test('with the oauth machine the approval page itself is opened; focus completes it too', async () => {
  const { hs, actor, open, disconnect } = await resetWaitingOnPage(WITH_OAUTH);
  expect(selectStage(actor.getSnapshot())).toMatchObject({ type: 'm.oauth', kind: 'oauth' });
  expect(open.mock.calls[0]![0]).toBe(`${BASE}/_simulator/account?action=org.matrix.cross_signing_reset`);
  await approve(hs);
  window.dispatchEvent(new Event('focus'));
  await until(actor, () => actor.getSnapshot().status === 'done');
  expect(actor.getSnapshot().output?.status).toBe('done');
  disconnect();
});
