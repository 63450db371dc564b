/**
 * examples/next-gen-auth.ts (the guide's example) against both kinds of server over HTTP on
 * 127.0.0.1: the demo preset (UIA, password) and the delegated preset (account page, m.oauth).
 */
import { DEMO_ACCOUNT, delegatedConfig, demoConfig, startHomeserver, type StartedHomeserver } from 'matrix-uia/testing';
import { resetCrossSigning, signOutDevice, type AccountUi } from '../../examples/next-gen-auth';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';

let hs: StartedHomeserver;
afterEach(async () => {
  await hs.close();
});
const session = () => ({ homeserverUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken, userId: DEMO_ACCOUNT.userId });

/** A user who presses the button on the account page (a form POST) when sent there. */
async function press(url: string): Promise<void> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}${u.pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: u.searchParams.toString() });
  expect(res.status).toBe(200);
}

function ui(): AccountUi & { pages: string[]; asked: number } {
  const state = {
    pages: [] as string[],
    asked: 0,
    askPassword: async () => {
      state.asked++;
      return DEMO_ACCOUNT.password;
    },
    continueOnAccountPage: (url: string) => void state.pages.push(url),
    approveOnAccountPage: async (url: string) => {
      state.pages.push(url);
      await press(url);
    },
  };
  return state;
}

test('legacy server: the password signs the device out and resets cross-signing', async () => {
  hs = await startHomeserver(demoConfig());
  const u = ui();
  expect(await signOutDevice(session(), DEMO_ACCOUNT.otherDeviceId, u)).toBe('done');
  await resetCrossSigning(session(), generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys, u);
  expect(u.asked).toBe(2);
  expect(u.pages).toEqual([]);
});

test('delegated server: the account page signs the device out; the reset is approved there', async () => {
  hs = await startHomeserver(delegatedConfig());
  const u = ui();
  expect(await signOutDevice(session(), DEMO_ACCOUNT.otherDeviceId, u)).toBe('account-page');
  expect(u.pages).toEqual([`${hs.url}/_simulator/account?action=org.matrix.device_delete&device_id=${DEMO_ACCOUNT.otherDeviceId}`]);
  await press(u.pages[0]!);
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.devices.has(DEMO_ACCOUNT.otherDeviceId)).toBe(false);
  const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
  await resetCrossSigning(session(), keys, u);
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  expect(u.asked).toBe(0);
});
