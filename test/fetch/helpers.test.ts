/**
 * Every endpoint helper of matrix-uia/fetch against the homeserver simulator over real HTTP on
 * 127.0.0.1: the user's side of out-of-band stages (email links, fallback pages, m.oauth
 * approval) is played through the simulator's pages and API, like a browser would.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { waitFor } from 'xstate';
import { createUiaActor, EndpointError, RateLimitedError, runUia, selectResult, selectStage, selectWaitingForInput, type UiaSnapshot } from '../../src';
import {
  addThreepid,
  changePassword,
  createMatrixClient,
  deactivateAccount,
  deleteDevice,
  deleteDevices,
  endpointFunctions,
  loginWithPassword,
  MatrixHttpError,
  register,
  registerCall,
  requestEmailToken,
  uiaRequest,
  uploadCrossSigningKeys,
  V3,
  type MatrixClient,
} from '../../src/fetch';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { startHomeserver, type HomeserverConfig, type StartedHomeserver } from '../../src/testing';
import { stageMachines } from '../../machines/stages';

const FAST = { intervalMs: 50, backoffFactor: 1, maxIntervalMs: 50 };
const ALICE = { userId: '@alice:localhost', password: 'alice-pass' };

let running: StartedHomeserver[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

/** A simulator listening on 127.0.0.1, with alice and her three devices. */
async function serve(config: HomeserverConfig = {}): Promise<StartedHomeserver> {
  const started = await startHomeserver({ users: [{ userId: ALICE.userId, password: ALICE.password, devices: ['MAIN', 'PHONE', 'TABLET'] }], ...config });
  running.push(started);
  return started;
}

/** A client logged in as alice on device MAIN. */
function aliceClient(s: StartedHomeserver): MatrixClient {
  return createMatrixClient({ baseUrl: s.url, accessToken: s.server.createAccessToken(ALICE.userId, 'MAIN') });
}

/** Does what a browser does with a fallback page: load it, fill its form, submit it. */
async function submitFallbackForm(url: string, fields: Record<string, string>): Promise<string> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form on the fallback page:\n${html}`);
  const action = new URL(form[1]!.replace(/&amp;/g, '&'), url).toString();
  const body = new URLSearchParams();
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) body.set(m[1]!, m[2]!);
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  const res = await fetch(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  expect(res.status).toBe(200);
  return res.text();
}

const paths = (s: StartedHomeserver) => s.server.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);

describe('register', () => {
  test('with m.login.dummy', async () => {
    const s = await serve();
    const res = await register(createMatrixClient({ baseUrl: s.url }), { username: 'bob', password: 'bob-pass', initialDeviceDisplayName: 'test' });
    expect(res.user_id).toBe('@bob:localhost');
    expect(typeof res.access_token).toBe('string');
    const me = await createMatrixClient({ baseUrl: s.url, accessToken: res.access_token }).request<{ user_id: string }>('GET', `${V3}/account/whoami`);
    expect(me.user_id).toBe('@bob:localhost');
    // Discovery first (once per homeserver): a legacy server has no auth metadata, so UIA follows.
    expect(paths(s)).toEqual([
      'GET /_matrix/client/versions 200',
      'GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata 404',
      'POST /_matrix/client/v3/register 401',
      'POST /_matrix/client/v3/register 200',
      'GET /_matrix/client/v3/account/whoami 200',
    ]);
  });

  test('with inhibit_login: no access token', async () => {
    const s = await serve();
    const res = await register(createMatrixClient({ baseUrl: s.url }), { username: 'quiet', password: 'p', inhibitLogin: true });
    expect(res.user_id).toBe('@quiet:localhost');
    expect(res.access_token).toBeUndefined();
  });

  test('with a registration token (checked first), the terms and dummy', async () => {
    const s = await serve({ endpoints: { register: { flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']] } }, registrationTokens: [{ token: 'tok-1', usesAllowed: 1 }] });
    const seenPolicies: string[] = [];
    const tokensAsked: (string | undefined)[] = [];
    const res = await register(
      createMatrixClient({ baseUrl: s.url }),
      { username: 'carol', password: 'carol-pass' },
      {
        handlers: {
          registrationToken: (p) => {
            tokensAsked.push(p.error?.message);
            return p.attempt === 1 ? 'wrong-token' : 'tok-1';
          },
          terms: (p) => {
            seenPolicies.push(...p.policies.map((x) => `${x.id}:${x.translations[0]!.url}`));
            return true;
          },
        },
      },
    );
    expect(res.user_id).toBe('@carol:localhost');
    // The wrong token was refused by the validity check, before any UIA round trip.
    expect(tokensAsked[0]).toBeUndefined();
    expect(tokensAsked[1]).toMatch(/invalid|not valid/i);
    expect(seenPolicies).toEqual([`privacy_policy:${s.url}/_simulator/policy?name=privacy_policy&v=1.0`]);
    expect(paths(s).filter((p) => p.includes('validity'))).toEqual([
      'GET /_matrix/client/v1/register/m.login.registration_token/validity 200',
      'GET /_matrix/client/v1/register/m.login.registration_token/validity 200',
    ]);
    expect(s.server.registrationTokens.get('tok-1')?.completed).toBe(1);
  });

  test('with recaptcha on the fallback page, then an email link detected by polling', async () => {
    const s = await serve({ endpoints: { register: { flows: [['m.login.recaptcha', 'm.login.email.identity']] } } });
    const stages: string[] = [];
    const pages: string[] = [];
    const res = await register(
      createMatrixClient({ baseUrl: s.url }),
      { username: 'dave', password: 'dave-pass' },
      {
        // The app does not render captchas itself: recaptcha goes through its fallback page.
        supportedStages: ['m.login.email.identity', 'm.login.dummy'],
        inputs: { emailAddress: 'dave@example.test' },
        polling: FAST,
        onSnapshot: (snap) => {
          const st = selectStage(snap)?.type;
          if (st && stages[stages.length - 1] !== st) stages.push(st);
        },
        handlers: {
          external: async ({ url, type }) => {
            expect(type).toBe('m.login.recaptcha');
            expect(url).toBe(`${s.url}/_matrix/client/v3/auth/m.login.recaptcha/fallback/web?session=${encodeURIComponent(url.split('session=')[1]!)}`);
            pages.push(await submitFallbackForm(url, { response: 'solved-captcha' }));
          },
          emailSent: ({ email }) => {
            // The user opens the link from the mail in a browser; the chart's polling notices.
            void s.server.outbox.waitFor(email!).then((m) => fetch(m.link)).then((r) => expect(r.status).toBe(200));
          },
        },
      },
    );
    expect(res.user_id).toBe('@dave:localhost');
    expect(stages).toEqual(['m.login.recaptcha', 'm.login.email.identity']);
    expect(pages[0]).toContain('authDone');
    const msg = s.server.outbox.latest('dave@example.test')!;
    expect(msg.purpose).toBe('register');
    expect(paths(s)).toContain('POST /_matrix/client/v3/register/email/requestToken 200');
    expect(s.server.getUser('dave')?.threepids.map((t) => t.address)).toEqual(['dave@example.test']);
  });

  test('with an SMS code posted to submit_url (a mistyped code first)', async () => {
    const s = await serve({ endpoints: { register: { flows: [['m.login.msisdn']] } } });
    const attempts: { attempt: number; error: string | undefined }[] = [];
    const res = await register(
      createMatrixClient({ baseUrl: s.url }),
      { username: 'erin', password: 'erin-pass' },
      {
        inputs: { phoneCountry: 'GB', phoneNumber: '7700900123' },
        polling: FAST,
        handlers: {
          msisdnCode: async (p) => {
            attempts.push({ attempt: p.attempt, error: p.error?.code });
            const sms = await s.server.outbox.waitFor((m) => m.medium === 'msisdn');
            const wrong = sms.code === '000000' ? '111111' : '000000';
            return p.attempt === 1 ? wrong : sms.code;
          },
        },
      },
    );
    expect(res.user_id).toBe('@erin:localhost');
    expect(paths(s)).toContain('POST /_matrix/client/v3/register/msisdn/requestToken 200');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]!.error).toBeDefined();
    expect(paths(s).filter((p) => p.startsWith('POST /_simulator/3pid/submit_token'))).toHaveLength(2);
  });
});

describe('changePassword', () => {
  test('a wrong then the right password; the identifier comes from whoami', async () => {
    const s = await serve();
    const errors: (string | undefined)[] = [];
    await changePassword(aliceClient(s), { newPassword: 'new-pass', logoutDevices: false }, {
      handlers: {
        password: (p) => {
          errors.push(p.error?.message);
          return p.attempt === 1 ? 'wrong' : ALICE.password;
        },
      },
    });
    expect(errors).toEqual([undefined, 'Invalid username or password']);
    // whoami was asked once, only when the password stage came.
    expect(paths(s).filter((p) => p.includes('whoami'))).toHaveLength(1);
    const login = await loginWithPassword(createMatrixClient({ baseUrl: s.url }), { user: 'alice', password: 'new-pass' });
    expect(login.user_id).toBe(ALICE.userId);
    await expect(loginWithPassword(createMatrixClient({ baseUrl: s.url }), { user: 'alice', password: ALICE.password })).rejects.toMatchObject({ httpStatus: 403, errcode: 'M_FORBIDDEN' });
  });

  test('forgotten password: no access token, email validation', async () => {
    const s = await serve({ users: [{ userId: ALICE.userId, password: ALICE.password, emails: ['alice@example.test'] }] });
    await changePassword(createMatrixClient({ baseUrl: s.url }), { newPassword: 'reset-pass' }, {
      inputs: { emailAddress: 'alice@example.test' },
      polling: FAST,
      handlers: { emailSent: ({ email }) => void s.server.outbox.waitFor(email!).then((m) => s.server.clickEmailLink(m.link)) },
    });
    expect(s.server.outbox.latest('alice@example.test')?.purpose).toBe('password');
    expect(paths(s)).toContain('POST /_matrix/client/v3/account/password/email/requestToken 200');
    await expect(loginWithPassword(createMatrixClient({ baseUrl: s.url }), { user: 'alice', password: 'reset-pass' })).resolves.toMatchObject({ user_id: ALICE.userId });
  });

  test('a 429 is waited out and the request retried', async () => {
    const s = await serve();
    s.server.rateLimitNext('/account/password', 2, 20);
    const busy: boolean[] = [];
    await changePassword(aliceClient(s), { newPassword: 'n', logoutDevices: false }, {
      userId: ALICE.userId,
      handlers: { password: () => ALICE.password },
      onSnapshot: (snap) => busy.push(snap.matches('rateLimited')),
    });
    expect(paths(s).filter((p) => p.startsWith('POST /_matrix/client/v3/account/password'))).toEqual([
      'POST /_matrix/client/v3/account/password 429',
      'POST /_matrix/client/v3/account/password 429',
      'POST /_matrix/client/v3/account/password 401',
      'POST /_matrix/client/v3/account/password 200',
    ]);
    expect(busy).toContain(true);
  });

  test('too many 429s end in RateLimitedError', async () => {
    const s = await serve();
    s.server.rateLimitNext('/account/password', 5, 10);
    const e = await changePassword(aliceClient(s), { newPassword: 'n' }, { userId: ALICE.userId, rateLimit: { maxRetries: 2 }, handlers: { password: () => ALICE.password } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e).toMatchObject({ retryAfterMs: 10, retries: 2 });
  });

  test('cancelled through the signal while the password is asked', async () => {
    const s = await serve();
    const ac = new AbortController();
    const e = await changePassword(aliceClient(s), { newPassword: 'n' }, {
      userId: ALICE.userId,
      signal: ac.signal,
      handlers: { password: (p) => new Promise<string>((_, reject) => { ac.abort(); p.signal.addEventListener('abort', () => reject(new Error('gone'))); }) },
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ABORTED' });
    expect(s.server.getUser('alice')?.password).toBe(ALICE.password);
  });
});

describe('devices', () => {
  test('delete one device', async () => {
    const s = await serve();
    await deleteDevice(aliceClient(s), 'PHONE', { userId: ALICE.userId, handlers: { password: () => ALICE.password } });
    expect([...s.server.getUser('alice')!.devices.keys()].sort()).toEqual(['MAIN', 'TABLET']);
    // DELETE carries its auth in a JSON body.
    const del = s.server.requests.filter((r) => r.method === 'DELETE');
    expect(del.map((r) => r.status)).toEqual([401, 200]);
    expect((del[1]!.body as { auth: { type: string } }).auth.type).toBe('m.login.password');
  });

  test('delete several devices in one negotiation', async () => {
    const s = await serve();
    await deleteDevices(aliceClient(s), ['PHONE', 'TABLET'], { handlers: { password: () => ALICE.password } });
    expect([...s.server.getUser('alice')!.devices.keys()]).toEqual(['MAIN']);
  });

  test('SSO through the fallback page, confirmed with FALLBACK.DONE', async () => {
    const s = await serve({ endpoints: { deleteDevice: { flows: [['m.login.sso']] } } });
    let done = '';
    await deleteDevice(aliceClient(s), 'TABLET', {
      polling: { intervalMs: 60000 }, // no poll can come first: the page's "done" is what completes it
      handlers: {
        external: async ({ url, type }) => {
          expect(type).toBe('m.login.sso');
          done = await submitFallbackForm(url, {});
        },
      },
    });
    expect(done).toContain('authDone');
    expect(s.server.getUser('alice')!.devices.has('TABLET')).toBe(false);
  });

  test('a request changed during the session is refused with 403', async () => {
    const s = await serve();
    const client = aliceClient(s);
    const path = `${V3}/delete_devices`;
    const first = uiaRequest(client, 'POST', path, { devices: ['PHONE'] });
    const changed = uiaRequest(client, 'POST', path, { devices: ['PHONE', 'MAIN'] });
    const e = await runUia({
      request: (auth, o) => (auth ? changed(auth, o) : first(auth, o)),
      userId: ALICE.userId,
      handlers: { password: () => ALICE.password },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointError);
    expect(e).toMatchObject({ httpStatus: 403, errcode: 'M_UNKNOWN' });
    expect((e as EndpointError).message).toContain('Requested operation has changed');
    expect(s.server.getUser('alice')!.devices.size).toBe(3);
  });
});

describe('deactivateAccount', () => {
  test('deactivates, and the account can no longer log in', async () => {
    const s = await serve();
    const res = await deactivateAccount(aliceClient(s), {}, { handlers: { password: () => ALICE.password } });
    expect(res).toEqual(expect.any(Object));
    expect(s.server.getUser('alice')?.deactivated).toBe(true);
    const e = await loginWithPassword(createMatrixClient({ baseUrl: s.url }), { user: 'alice', password: ALICE.password }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MatrixHttpError);
    expect((e as MatrixHttpError).httpStatus).toBe(403);
  });
});

describe('uploadCrossSigningKeys', () => {
  // Real Ed25519 keys (the terminal client's generator): the simulator checks their shape.
  const existing = generateCrossSigningKeys(ALICE.userId).keys.master_key;

  test('replacing keys with the password', async () => {
    const s = await serve({ users: [{ userId: ALICE.userId, password: ALICE.password, devices: ['MAIN'], crossSigningMasterKey: existing }] });
    const { keys } = generateCrossSigningKeys(ALICE.userId);
    await uploadCrossSigningKeys(aliceClient(s), keys, { handlers: { password: () => ALICE.password } });
    expect(s.server.getUser('alice')!.crossSigning.master).toEqual(keys.master_key);
  });

  test('replacing keys with m.oauth approval, noticed by polling', async () => {
    const s = await serve({
      users: [{ userId: ALICE.userId, password: ALICE.password, devices: ['MAIN'], crossSigningMasterKey: existing }],
      endpoints: { crossSigningUpload: { flows: [['m.oauth']] } },
    });
    let approvalUrl = '';
    const { keys } = generateCrossSigningKeys(ALICE.userId);
    await uploadCrossSigningKeys(aliceClient(s), keys, {
      polling: FAST,
      handlers: {
        // The user approves on the account page; the app never says "done": polling sees it.
        external: ({ url, type, signal }) => {
          expect(type).toBe('m.oauth');
          approvalUrl = url;
          s.server.completeByUrl(url);
          return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        },
      },
    });
    expect(approvalUrl).toContain(`${s.url}/_simulator/oauth/approve?session=`);
    expect(s.server.getUser('alice')!.crossSigning.master).toEqual(keys.master_key);
  });
});

describe('addThreepid', () => {
  test('validate the address, then add it with the password', async () => {
    const s = await serve();
    const client = aliceClient(s);
    const clientSecret = 'add-secret-1';
    const { sid } = await requestEmailToken(client, '3pid', { email: 'alice@new.test', clientSecret, sendAttempt: 1 });
    expect(s.server.outbox.latest('alice@new.test')?.purpose).toBe('3pid');
    s.server.clickEmailLink('alice@new.test');
    await addThreepid(client, { sid, clientSecret }, { handlers: { password: () => ALICE.password } });
    expect(s.server.getUser('alice')!.threepids.map((t) => t.address)).toEqual(['alice@new.test']);
  });
});

describe('resume after a restart of the client side', () => {
  test('persisted snapshot of an email registration, restored into a new actor', async () => {
    const s = await serve({ endpoints: { register: { flows: [['m.login.email.identity']] } } });
    const client = createMatrixClient({ baseUrl: s.url });
    const call = registerCall({ username: 'frank', password: 'frank-pass' });
    const input = { homeserverUrl: s.url, inputs: { emailAddress: 'frank@example.test' }, polling: FAST };

    const before = createUiaActor({ stages: stageMachines, ...endpointFunctions(client, call), ...input });
    before.start();
    before.send({ type: 'START' });
    await waitFor(before, (snap: UiaSnapshot) => snap.matches('polling') && selectWaitingForInput(snap));
    await s.server.outbox.waitFor('frank@example.test');
    // What an app would write to storage, and read back after a restart.
    const stored = JSON.parse(JSON.stringify(before.getPersistedSnapshot())) as unknown;
    before.stop();
    expect(JSON.stringify(stored)).not.toContain('frank-pass');

    s.server.clickEmailLink('frank@example.test');
    const after = createUiaActor({ stages: stageMachines, ...endpointFunctions(client, call), ...input, snapshot: checkUiaSnapshot(stored) });
    after.start();
    after.send({ type: 'POLL' });
    const done = await waitFor(after, (snap: UiaSnapshot) => snap.status === 'done', { timeout: 5000 });
    expect(done.output?.status).toBe('done');
    expect(selectResult<{ user_id: string }>(done)?.user_id).toBe('@frank:localhost');
    // One email only: the restored actor reused the validation session.
    expect(s.server.outbox.filter('frank@example.test')).toHaveLength(1);
  });
});
