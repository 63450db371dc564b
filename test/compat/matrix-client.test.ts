/**
 * A real matrix-js-sdk MatrixClient, pointed at the homeserver simulator over HTTP on 127.0.0.1,
 * completes its UIA-protected calls through matrix-uia's InteractiveAuth, driven the way Element
 * drives it (doRequest calls the client method with the auth dict; stateUpdated shows the stage;
 * the password is submitted with submitAuthDict). The adapter's UIAuthCallback is run the same way.
 */
import { InteractiveAuth, type IInteractiveAuthOpts } from '../../src/api/interactive-auth';
import { createUIAuthCallback, emailTokenRequester } from '../../src/matrix-js-sdk';
import { startHomeserver, type StartedHomeserver } from '../../src/testing';
import type { AuthDict } from '../../src/types';
import { drain } from './differential';
import { loadSdk, type SdkClient } from './load-sdk';

const PASSWORD = 'm.login.password';
const EMAIL = 'm.login.email.identity';
const ALICE = '@alice:localhost';
const ALICE_PASSWORD = 'correct horse';

let hs: StartedHomeserver;

beforeAll(async () => {
  loadSdk();
  hs = await startHomeserver({ serverName: 'localhost' });
});

afterAll(async () => {
  await hs.close();
});

/** A fresh user with devices, and a client logged in on the first one. */
function login(localpart: string, devices: string[]): { client: SdkClient; userId: string } {
  const userId = `@${localpart}:localhost`;
  hs.server.addUser(userId, ALICE_PASSWORD, devices);
  const accessToken = hs.server.createAccessToken(userId, devices[0]);
  const client = loadSdk().createClient({ baseUrl: hs.url, accessToken, userId, deviceId: devices[0] });
  return { client, userId };
}

/** Element's way: every stage shown is answered; the password stage with the user's password. */
async function authenticate<T>(
  client: SdkClient,
  userId: string,
  call: (auth: AuthDict | null) => Promise<T>,
  passwords: string[],
  extra: Partial<IInteractiveAuthOpts<T>> = {},
): Promise<{ result: T; stages: unknown[] }> {
  const stages: unknown[] = [];
  const queue = [...passwords];
  const ia: InteractiveAuth<T> = new InteractiveAuth<T>({
    matrixClient: client,
    doRequest: (auth) => call(auth),
    stateUpdated: (stage, status) => {
      stages.push([stage, status]);
      if (stage === PASSWORD) {
        void ia.submitAuthDict({ type: PASSWORD, identifier: { type: 'm.id.user', user: userId }, password: queue.shift() ?? '' });
      }
    },
    requestEmailToken: (email, secret, attempt) => client.requestRegisterEmailToken(email, secret, attempt),
    ...extra,
  });
  const result = await ia.attemptAuth();
  return { result, stages };
}

test('setPassword, after a wrong password', async () => {
  const { client, userId } = login('setpw', ['SETPW1']);
  const { stages } = await authenticate(client, userId, (auth) => client.setPassword(auth, 'new password', false), ['wrong', ALICE_PASSWORD]);
  expect(stages).toEqual([
    [PASSWORD, {}],
    [PASSWORD, { errcode: 'M_FORBIDDEN', error: expect.any(String) }],
  ]);
  expect(hs.server.users.checkPassword(userId, 'new password')).toBe(true);
  client.stopClient();
});

test('deleteDevice', async () => {
  const { client, userId } = login('deldev', ['DELDEV1', 'DELDEV2']);
  await authenticate(client, userId, (auth) => client.deleteDevice('DELDEV2', auth ?? undefined), [ALICE_PASSWORD]);
  expect([...hs.server.getUser(userId)!.devices.keys()]).toEqual(['DELDEV1']);
  client.stopClient();
});

test('deleteMultipleDevices', async () => {
  const { client, userId } = login('deldevs', ['DD1', 'DD2', 'DD3']);
  await authenticate(client, userId, (auth) => client.deleteMultipleDevices(['DD2', 'DD3'], auth ?? undefined), [ALICE_PASSWORD]);
  expect([...hs.server.getUser(userId)!.devices.keys()]).toEqual(['DD1']);
  client.stopClient();
});

test('deactivateAccount', async () => {
  const { client, userId } = login('deact', ['DEACT1']);
  await authenticate(client, userId, (auth) => client.deactivateAccount(auth ?? undefined, false), [ALICE_PASSWORD]);
  expect(hs.server.getUser(userId)!.deactivated).toBe(true);
  client.stopClient();
});

test('registerRequest: the dummy flow', async () => {
  const client = loadSdk().createClient({ baseUrl: hs.url });
  const { result, stages } = await authenticate(client, '', (auth) => client.registerRequest({ username: 'newbie', password: 'pw pw pw', ...(auth ? { auth } : {}) }), []);
  expect(stages).toEqual([]);
  expect(result).toMatchObject({ user_id: '@newbie:localhost' });
  expect(hs.server.users.checkPassword('@newbie:localhost', 'pw pw pw')).toBe(true);
  client.stopClient();
});

test('registerRequest: the email flow, link clicked, then polled', async () => {
  const client = loadSdk().createClient({ baseUrl: hs.url });
  const address = 'carol@example.org';
  let ia!: InteractiveAuth<unknown>;
  const stages: string[] = [];
  ia = new InteractiveAuth<unknown>({
    matrixClient: client,
    inputs: { emailAddress: address },
    doRequest: (auth) => client.registerRequest({ username: 'carol', password: 'pw pw pw', ...(auth ? { auth } : {}) }),
    stateUpdated: (stage) => stages.push(stage),
    requestEmailToken: (email, secret, attempt) => client.requestRegisterEmailToken(email, secret, attempt),
  });
  const done = ia.attemptAuth();
  // The email goes out when the stage opens; the user clicks the link; the app polls (Element: a timer).
  while (hs.server.outbox.messages.length === 0 || !ia.getEmailSid()) await drain();
  hs.server.clickEmailLink(address);
  await ia.poll();
  await expect(done).resolves.toMatchObject({ user_id: '@carol:localhost' });
  expect(stages[0]).toBe(EMAIL);
  client.stopClient();
});

test('the adapter: a UIAuthCallback driving the chart for deleteMultipleDevices', async () => {
  const { client, userId } = login('cb', ['CB1', 'CB2']);
  const prompts: unknown[] = [];
  const callback = createUIAuthCallback<unknown>({
    client: { ...bind(client), getUserId: () => userId },
    password: (p) => {
      prompts.push([p.type, p.attempt, p.error?.message]);
      return p.attempt === 1 ? 'wrong' : ALICE_PASSWORD;
    },
  });
  await callback((auth) => client.deleteMultipleDevices(['CB2'], auth ?? undefined));
  expect([...hs.server.getUser(userId)!.devices.keys()]).toEqual(['CB1']);
  expect(prompts).toEqual([
    [PASSWORD, 1, undefined],
    [PASSWORD, 2, expect.any(String)],
  ]);
  expect(typeof emailTokenRequester(bind(client), 'register')).toBe('function');
  client.stopClient();
});

/** The client's methods as an object literal (the adapter only needs the shape). */
function bind(client: SdkClient) {
  return {
    getHomeserverUrl: () => client.getHomeserverUrl(),
    getUserId: () => client.getUserId(),
    generateClientSecret: () => client.generateClientSecret(),
    getFallbackAuthUrl: (t: string, s: string) => client.getFallbackAuthUrl(t, s),
    requestRegisterEmailToken: (e: string, s: string, n: number, l?: string) => client.requestRegisterEmailToken(e, s, n, l),
  };
}
