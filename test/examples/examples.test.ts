/**
 * Runs every example of the guides against the homeserver simulator over HTTP on 127.0.0.1, and
 * checks that the guides include the current text of the examples. A renamed API breaks this
 * build, not the reader.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createActor } from 'xstate';
import { DEMO_ACCOUNT, demoConfig, startHomeserver, type Homeserver } from 'matrix-uia/testing';
import { changeMyPassword } from '../../examples/change-password';
import { signOutDevices } from '../../examples/delete-devices';
import { registerAccount } from '../../examples/register';
import { startPasswordChange, type DialogView } from '../../examples/drive-by-hand';
import { publishCrossSigningKeys } from '../../examples/cross-signing';
import { startOrResumeRegistration, type SnapshotStore } from '../../examples/resume';
import { messageFor } from '../../examples/handle-errors';
import { startLogged } from '../../examples/inspector';
import { registrationWithEmailWorks } from '../../examples/testing-your-screens';
import { markdownFiles, renderGuide, includedExamples } from '../../scripts/include-examples';
import { AbortedError, NetworkError, NoAuthFlowFoundError, selectStage } from 'matrix-uia';
import { changePasswordCall, createMatrixClient, endpointFunctions } from 'matrix-uia/fetch';

/** A 32-byte ed25519 public key, unpadded base64 (the simulator checks the shape). */
const KEY = Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '');

let hs: { url: string; server: Homeserver; close(): Promise<void> };
const session = () => ({ homeserverUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken, userId: DEMO_ACCOUNT.userId });

beforeEach(async () => {
  hs = await startHomeserver(demoConfig());
});
afterEach(async () => {
  await hs.close();
});

/**
 * Resolves once `check` holds, looking again every 10 ms (the examples talk to a real HTTP server
 * on loopback, so there is no actor of ours to wait on). The deadline is only a hang guard, as long
 * as the test's own timeout: a slow machine makes the wait longer, never the verdict different.
 */
function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (check() ? resolve() : Date.now() > end ? reject(new Error('condition not met in time')) : setTimeout(tick, 10));
    tick();
  });
}

test('guides include the current text of every example, and every example is included somewhere', () => {
  const included = new Set<string>();
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    expect(renderGuide(text)).toBe(text);
    for (const e of includedExamples(text)) included.add(e);
  }
  const examples = ['change-password', 'delete-devices', 'register', 'drive-by-hand', 'cross-signing', 'resume', 'handle-errors', 'inspector', 'testing-your-screens', 'register-with-phone'];
  for (const e of examples) expect(included).toContain(`examples/${e}.ts`);
});

test('change-password: a wrong password is asked again, then the new password works', async () => {
  const problems: (string | undefined)[] = [];
  await changeMyPassword(session(), 'new horse', {
    askCurrentPassword: async (problem) => {
      problems.push(problem);
      return problems.length === 1 ? 'wrong horse' : DEMO_ACCOUNT.password;
    },
  });
  expect(problems).toEqual([undefined, 'Invalid username or password']);
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)?.password).toBe('new horse');
});

test('delete-devices: one device, then several', async () => {
  const client = hs.server;
  client.addUser('@bob:localhost', 'bob-pass', ['B1', 'B2', 'B3']);
  const token = client.createAccessToken('@bob:localhost', 'B0');
  const bob = { homeserverUrl: hs.url, accessToken: token, userId: '@bob:localhost' };
  await signOutDevices(bob, ['B1'], async () => 'bob-pass');
  await signOutDevices(bob, ['B2', 'B3'], async () => 'bob-pass');
  const devices = [...(client.getUser('@bob:localhost')?.devices.keys() ?? [])];
  expect(devices).toEqual(['B0']);
});

test('register: registration token (checked first), terms, recaptcha on the fallback page, email link', async () => {
  hs.server.config.endpoints.register.flows = [['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', 'm.login.email.identity']];
  const seen: string[] = [];
  const account = await registerAccount(
    hs.url,
    { username: 'dora', password: 'dora-pass-1', email: 'dora@example.test', registrationToken: 'not-a-token' },
    {
      askRegistrationToken: async (problem) => {
        seen.push(`token asked: ${problem}`);
        return DEMO_ACCOUNT.registrationToken;
      },
      openPage: async (url) => {
        seen.push(`page: ${new URL(url).pathname}`);
        hs.server.completeByUrl(url);
      },
      acceptTerms: async (policies) => {
        seen.push(`terms: ${policies.map((p) => p.name).join(', ')}`);
        return true;
      },
      checkYourInbox: (email) => {
        seen.push(`inbox: ${email}`);
        hs.server.clickEmailLink(email!);
      },
    },
  );
  expect(account.user_id).toBe('@dora:localhost');
  expect(seen[0]).toBe('token asked: Invalid registration token');
  expect(seen[1]).toBe('page: /_matrix/client/v3/auth/m.login.recaptcha/fallback/web');
  expect(seen[2]).toMatch(/^terms: /);
  expect(seen[3]).toBe('inbox: dora@example.test');
});

test('drive-by-hand: the view is derived from snapshots; a double submit sends once', async () => {
  const views: DialogView[] = [];
  const dialog = startPasswordChange(session(), 'another horse', (v) => views.push(v));
  await until(() => views.at(-1)?.canSubmit === true);
  expect(views.at(-1)).toMatchObject({ stage: 'm.login.password', busy: false, error: null });
  const before = hs.server.requests.length;
  dialog.submitPassword(DEMO_ACCOUNT.password);
  dialog.submitPassword(DEMO_ACCOUNT.password);
  await until(() => views.at(-1)?.finished === 'done');
  expect(hs.server.requests.length - before).toBe(1);
  expect(views.some((v) => v.busy)).toBe(true);
});

test('cross-signing: a reset approved on the account page (m.oauth) is noticed by polling', async () => {
  hs.server.config.endpoints.crossSigningUpload.flows = [['m.oauth']];
  const opened: string[] = [];
  const done = publishCrossSigningKeys(
    session(),
    { master_key: { user_id: DEMO_ACCOUNT.userId, usage: ['master'], keys: { [`ed25519:${KEY}`]: KEY } } },
    {
      askPassword: async () => DEMO_ACCOUNT.password,
      openAccountPage: (url) => {
        opened.push(url);
        setTimeout(() => hs.server.completeByUrl(url), 50);
      },
    },
  );
  await expect(done).resolves.toEqual({});
  expect(opened).toHaveLength(1);
});

test('resume: a registration saved mid-email-stage continues in a new actor after a "reload"', async () => {
  const storage = new Map<string, string>();
  const store: SnapshotStore = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) };
  hs.server.config.endpoints.register.flows = [['m.login.email.identity']];
  const first = startOrResumeRegistration(hs.url, { username: 'erin', password: 'erin-pass-1' }, 'erin@example.test', store);
  await until(() => hs.server.outbox.latest('erin@example.test') !== undefined && first.getSnapshot().matches('polling'));
  first.stop(); // the tab navigates away to the email link
  expect(storage.get('example-app:registration')).not.toContain('erin-pass-1');
  hs.server.clickEmailLink('erin@example.test');
  const second = startOrResumeRegistration(hs.url, { username: 'erin', password: 'erin-pass-1' }, 'erin@example.test', store);
  await until(() => second.getSnapshot().status === 'done');
  expect(second.getSnapshot().output?.status).toBe('done');
  expect(hs.server.outbox.filter('erin@example.test')).toHaveLength(1);
  expect(storage.size).toBe(0);
});

test('handle-errors: every error code has a message', () => {
  expect(messageFor(new NoAuthFlowFoundError('No appropriate authentication flow found', [], []))).toMatch(/not support/);
  expect(messageFor(new NetworkError(new TypeError('fetch failed')))).toMatch(/reach the server/);
  expect(messageFor(new AbortedError())).toBe('Cancelled.');
  expect(messageFor('?')).toBe('Something went wrong.');
});

test('inspector: transitions and events are logged without the password', async () => {
  const lines: string[] = [];
  const client = createMatrixClient({ baseUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken });
  const actor = startLogged({ ...endpointFunctions(client, changePasswordCall({ newPassword: 'horse 3' })), userId: DEMO_ACCOUNT.userId }, (l) => lines.push(l));
  await until(() => selectStage(actor.getSnapshot())?.type === 'm.login.password');
  actor.send({ type: 'PASSWORD.SUBMIT', password: DEMO_ACCOUNT.password });
  await until(() => actor.getSnapshot().status === 'done');
  const log = lines.join('\n');
  expect(log).toContain('state "awaitingStage"');
  expect(log).toContain('PASSWORD.SUBMIT');
  expect(log).not.toContain(DEMO_ACCOUNT.password);
  void createActor;
});

test('testing-your-screens: the example test passes against its own simulator', async () => {
  const r = await registrationWithEmailWorks();
  expect(r.userId).toBe('@carol:localhost');
  expect(r.inbox).toHaveLength(1);
});

test('the guides index lists every guide file', () => {
  const dir = path.join(__dirname, '../../docs/guides');
  const index = readFileSync(path.join(dir, 'README.md'), 'utf8');
  for (const f of markdownFiles(dir)) if (!f.endsWith('README.md')) expect(index).toContain(`(${path.basename(f)})`);
});
