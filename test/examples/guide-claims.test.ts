/**
 * What the guides say happens, checked against the simulator (in-process, through its `fetch`):
 * docs/guides/resume.md (a restored polling stage checks at once; resuming from values sends no
 * second email), register.md (the registration token is checked before a UIA round trip; the
 * email is requested only when its stage comes) and change-password.md (`whoami` once).
 */
import { checkUiaSnapshot, createUiaActor, stageMachines, type UiaActor, type UiaSnapshot } from 'matrix-uia';
import { changePassword, createMatrixClient, endpointFunctions, register, registerCall } from 'matrix-uia/fetch';
import { createHomeserver, demoConfig, DEMO_ACCOUNT, type Homeserver } from 'matrix-uia/testing';

const HOUR = 3_600_000;
const EMAIL = 'm.login.email.identity';

/** Resolves with the first snapshot that satisfies `ok` (the current one included). */
function snapshotWhere(actor: UiaActor, ok: (s: UiaSnapshot) => boolean): Promise<UiaSnapshot> {
  return new Promise((resolve) => {
    if (ok(actor.getSnapshot())) return resolve(actor.getSnapshot());
    const sub = actor.subscribe((s) => {
      if (ok(s)) {
        sub.unsubscribe();
        resolve(s);
      }
    });
  });
}

/** Resolves when the outbox has a message to `address`. */
function mailTo(hs: Homeserver, address: string) {
  return hs.outbox.waitFor(address, { timeoutMs: 10_000 });
}

/** Every actor a test made, stopped after it (a failed test leaves no hour-long timer behind). */
const actors: UiaActor[] = [];
afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
});

function emailRegistration(hs: Homeserver, extra: Record<string, unknown> = {}): UiaActor {
  const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch });
  const actor = createUiaActor({
    stages: stageMachines,
    ...endpointFunctions(client, registerCall({ username: 'erin', password: 'erin-pass-1' })),
    inputs: { emailAddress: 'erin@example.org' },
    // An hour between polls: anything that happens in this test happens without a poll timer.
    polling: { intervalMs: HOUR, maxIntervalMs: HOUR },
    ...extra,
  });
  actors.push(actor);
  return actor;
}

describe('resume.md', () => {
  test('a restored out-of-band stage checks at once (not after the interval), and finishes', async () => {
    const hs = createHomeserver({ endpoints: { register: { flows: [[EMAIL]] } } });
    const first = emailRegistration(hs);
    first.start();
    first.send({ type: 'START' });
    await mailTo(hs, 'erin@example.org');
    await snapshotWhere(first, (s) => s.matches('polling'));
    const saved = JSON.stringify(first.getPersistedSnapshot());
    first.stop(); // the tab opens the email link
    hs.clickEmailLink('erin@example.org');

    const before = hs.requests.length;
    const restored = emailRegistration(hs, { snapshot: checkUiaSnapshot(JSON.parse(saved)) });
    restored.start();
    const done = await snapshotWhere(restored, (s) => s.status !== 'active');
    expect(done.status).toBe('done');
    expect(hs.getUser('erin')).toBeDefined();
    // One background check, with the email creds, made at once: it completes the registration.
    const after = hs.requests.slice(before).map((r) => (r.body as { auth?: { type?: string } }).auth?.type ?? 'none');
    expect(after).toEqual([EMAIL]);
    expect(hs.outbox.filter('erin@example.org')).toHaveLength(1);
  });

  test('resuming from values (sessionId, clientSecret, emailSid): the first request carries {session}, no second email', async () => {
    const hs = createHomeserver({ endpoints: { register: { flows: [[EMAIL]] } } });
    const first = emailRegistration(hs);
    first.start();
    first.send({ type: 'START' });
    const mail = await mailTo(hs, 'erin@example.org');
    const polling = await snapshotWhere(first, (s) => s.matches('polling'));
    const session = polling.context.session!;
    first.stop();
    hs.clickEmailLink(mail.link);

    const before = hs.requests.length;
    const resumed = emailRegistration(hs, { sessionId: session, clientSecret: mail.client_secret, emailSid: mail.sid });
    resumed.start();
    resumed.send({ type: 'START' });
    // The email stage starts with the given sid and polls at the normal interval (an hour here);
    // POLL is how the app checks at once.
    await snapshotWhere(resumed, (s) => s.matches({ polling: 'waiting' }));
    expect(hs.requests.length - before).toBe(1);
    resumed.send({ type: 'POLL' });
    const done = await snapshotWhere(resumed, (s) => s.status !== 'active');
    expect(done.status).toBe('done');
    expect((hs.requests[before]!.body as { auth?: { session?: string } }).auth).toEqual({ session });
    expect((hs.requests[before + 1]!.body as { auth?: { type?: string; session?: string } }).auth).toMatchObject({ type: EMAIL, session });
    expect(hs.outbox.filter('erin@example.org')).toHaveLength(1);
  });
});

describe('register.md', () => {
  test('an invalid registration token is refused by the validity check, without a UIA round trip', async () => {
    const hs = createHomeserver(demoConfig({ endpoints: { register: { flows: [['m.login.registration_token', 'm.login.dummy']] } } }));
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch });
    const problems: (string | undefined)[] = [];
    await register(client, { username: 'tess', password: 'p' }, {
      handlers: {
        registrationToken: (p) => {
          problems.push(p.error?.message);
          return problems.length === 1 ? 'not-a-token' : DEMO_ACCOUNT.registrationToken;
        },
      },
    });
    expect(problems).toEqual([undefined, expect.stringMatching(/invalid/i)]);
    const lines = hs.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${(r.body as { auth?: { type?: string } } | undefined)?.auth?.type ?? ''}`.trim());
    expect(lines.filter((l) => l.includes('validity'))).toHaveLength(2);
    expect(lines.filter((l) => l.endsWith('m.login.registration_token'))).toHaveLength(1);
  });

  test('the email is requested only when its stage comes, after the captcha', async () => {
    const hs = createHomeserver({ endpoints: { register: { flows: [['m.login.recaptcha', EMAIL]] } } });
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch });
    await register(client, { username: 'cat', password: 'p' }, {
      inputs: { emailAddress: 'cat@example.org' },
      polling: { intervalMs: HOUR },
      handlers: {
        recaptcha: () => 'a human',
        emailSent: ({ email, check }) => {
          hs.clickEmailLink(email!);
          check();
        },
      },
    });
    const paths = hs.requests.map((r) => `${r.path.split('?')[0]} ${(r.body as { auth?: { type?: string } } | undefined)?.auth?.type ?? ''}`.trim());
    const captcha = paths.indexOf('/_matrix/client/v3/register m.login.recaptcha');
    const requestToken = paths.indexOf('/_matrix/client/v3/register/email/requestToken');
    expect(captcha).toBeGreaterThan(0);
    expect(requestToken).toBeGreaterThan(captcha);
  });
});

test('change-password.md: without userId, with an access token, the helper asks whoami once (even when asked twice)', async () => {
  const hs = createHomeserver(demoConfig());
  const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch, accessToken: DEMO_ACCOUNT.accessToken });
  let asked = 0;
  await changePassword(client, { newPassword: 'whoami horse' }, { handlers: { password: () => (++asked === 1 ? 'wrong' : DEMO_ACCOUNT.password) } });
  expect(asked).toBe(2);
  expect(hs.requests.filter((r) => r.path.endsWith('/account/whoami'))).toHaveLength(1);
  expect(hs.getUser(DEMO_ACCOUNT.userId)!.password).toBe('whoami horse');
});
