/**
 * End-to-end scenarios through `runUia` with a scripted request function, using real Synapse
 * 1.67.0 bodies from the shared fixture wherever one exists.
 */
import { runUia } from '../../src/api/run-uia';
import { NoAuthFlowFoundError, StageError } from '../../src/errors/errors';
import type { AuthDict, EmailTokenRequest } from '../../src/types';
import { notValidatedYet, scripted, scriptedBy, uia401 } from '../helpers/scripted-server';
import { synapseExchange } from '../helpers/fixtures';

const body = (i: number) => synapseExchange(i).response_body;
const typeOf = (auth: AuthDict | null) => (auth as { type?: string } | null)?.type;

afterEach(() => jest.useRealTimers());

test('password change (Synapse exchanges 7, 8)', async () => {
  const s = scripted([uia401(body(7)), { ok: body(8) }]);
  const result = await runUia({ request: s.request, userId: 'alice', handlers: { password: () => 'alicepass1' } });
  expect(result).toEqual({});
  expect(s.calls.map((c) => c.auth)).toEqual([null, synapseExchange(8).request_body!.auth]);
  expect(s.calls.every((c) => !c.background)).toBe(true);
});

test('a wrong password is shown on the stage, then the right one completes (exchanges 16, 17)', async () => {
  const s = scripted([uia401(body(15)), uia401(body(16)), { ok: body(17) }]);
  const prompts: { attempt: number; error: unknown }[] = [];
  await runUia({
    request: s.request,
    userId: 'alice',
    handlers: {
      password: (p) => {
        prompts.push({ attempt: p.attempt, error: p.error });
        return p.attempt === 1 ? 'WRONG' : 'alicepass3';
      },
    },
  });
  expect(prompts).toHaveLength(2);
  expect(prompts[0]!.error).toBeNull();
  const shown = prompts[1]!.error as StageError;
  expect(shown).toBeInstanceOf(StageError);
  expect(shown.errcode).toBe('M_FORBIDDEN');
  expect(shown.message).toBe('Invalid username or password');
  expect(s.calls.map((c) => (c.auth as { password?: string } | null)?.password)).toEqual([undefined, 'WRONG', 'alicepass3']);
});

test('dummy auto-completion (exchanges 1, 2): no handler needed', async () => {
  const s = scripted([uia401(body(1)), { ok: body(2) }]);
  const result = await runUia({ request: s.request, handlers: {} });
  expect(result).toMatchObject({ user_id: '@alice:localhost' });
  expect(s.calls[1]!.auth).toEqual({ type: 'm.login.dummy', session: 'uYjMcZeFiETbEwakEFXdkSDQ' });
});

test('cross-signing key upload: the first request carries no auth (exchange 51), then password', async () => {
  const s = scripted([uia401(body(51)), { ok: {} }]);
  await runUia({ request: s.request, userId: '@kate:localhost', handlers: { password: () => 'katepass1' } });
  expect(s.calls[0]!.auth).toBeNull();
  expect(s.calls[1]!.auth).toEqual({ type: 'm.login.password', identifier: { type: 'm.id.user', user: '@kate:localhost' }, password: 'katepass1', session: 'kNKTuEqiQDIMNgyPLKJPOFKs' });
});

test('cross-signing reset through m.oauth: polls with {type, session} until approved', async () => {
  jest.useFakeTimers();
  const flows = { session: 'OS', flows: [{ stages: ['org.matrix.cross_signing_reset'] }], params: { 'org.matrix.cross_signing_reset': { url: 'https://account.example/reset' } } };
  let approved = false;
  const s = scriptedBy((auth, n) => (n === 0 ? uia401(flows) : approved ? { ok: {} } : uia401(flows)));
  const urls: string[] = [];
  const p = runUia({ request: s.request, polling: { intervalMs: 1000, backoffFactor: 1 }, handlers: {
      // Never resolves: the user never says "done", completion is seen by polling alone.
      external: ({ url }) => {
        urls.push(url);
        return new Promise<void>(() => {});
      },
    },
  });
  await jest.advanceTimersByTimeAsync(2500);
  expect(urls).toEqual(['https://account.example/reset']);
  approved = true;
  await jest.advanceTimersByTimeAsync(1000);
  await expect(p).resolves.toEqual({});
  expect(s.calls.slice(1).every((c) => JSON.stringify(c.auth) === JSON.stringify({ type: 'org.matrix.cross_signing_reset', session: 'OS' }))).toBe(true);
});

test('email registration: the token is requested once, polls until validated (exchanges 57-60)', async () => {
  jest.useFakeTimers();
  const validatedAfter = 3;
  let checks = 0;
  const s = scriptedBy((auth) => {
    if (auth === null) return uia401(body(57));
    checks++;
    return checks < validatedAfter ? notValidatedYet(body(57)) : { ok: body(60) };
  });
  const tokenCalls: Omit<EmailTokenRequest, 'signal'>[] = [];
  const sent: unknown[] = [];
  const p = runUia({
    request: s.request,
    inputs: { emailAddress: 'carol@example.test' },
    clientSecret: 'carolsecret123',
    polling: { intervalMs: 1000, backoffFactor: 2, maxIntervalMs: 10_000 },
    requestEmailToken: async ({ signal, ...req }) => {
      void signal;
      tokenCalls.push(req);
      return { sid: 'qwpwBYbUmQAkkEOq' };
    },
    handlers: { emailSent: (e) => void sent.push(e.sid) },
  });
  await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000);
  await expect(p).resolves.toMatchObject({ user_id: '@carol:localhost' });
  expect(tokenCalls).toEqual([{ email: 'carol@example.test', clientSecret: 'carolsecret123', attempt: 1, session: 'sozcNIrinWjXLwhdtzYaSoZE' }]);
  expect(sent).toEqual(['qwpwBYbUmQAkkEOq']);
  const polls = s.calls.slice(1);
  expect(polls).toHaveLength(3);
  for (const c of polls) {
    expect(c.background).toBe(true);
    // Exactly the recorded exchange 59 request's auth: threepid_creds, never a password.
    expect(c.auth).toEqual(synapseExchange(59).request_body!.auth);
  }
});

test('resume with sessionId, clientSecret and emailSid: {session} first, no new email, polls with the given creds', async () => {
  jest.useFakeTimers();
  const s = scriptedBy((auth, n) => (n === 0 ? uia401(body(62)) : n < 3 ? notValidatedYet(body(62)) : { ok: {} }));
  const requestEmailToken = jest.fn(async () => ({ sid: 'NEW' }));
  const p = runUia({
    request: s.request,
    sessionId: 'HkcXdmKIlFQgqLnLkZNEjbMQ',
    clientSecret: 'carolreset1',
    emailSid: 'vqyVmTwaUZXFEeYg',
    requestEmailToken,
    polling: { intervalMs: 500, backoffFactor: 1 },
  });
  await jest.advanceTimersByTimeAsync(1500);
  await expect(p).resolves.toEqual({});
  expect(s.calls[0]!.auth).toEqual({ session: 'HkcXdmKIlFQgqLnLkZNEjbMQ' });
  expect(requestEmailToken).not.toHaveBeenCalled();
  for (const c of s.calls.slice(1)) expect(c.auth).toEqual(synapseExchange(66).request_body!.auth);
});

test('NoAuthFlowFoundError with its fields (email given, server offers none)', async () => {
  const s = scripted([uia401(body(7))]);
  const e = await runUia({ request: s.request, inputs: { emailAddress: 'a@example.org' } }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(NoAuthFlowFoundError);
  const err = e as NoAuthFlowFoundError;
  expect(err.message).toBe('No appropriate authentication flow found');
  expect(err.required_stages).toEqual(['m.login.email.identity']);
  expect(err.flows).toEqual([{ stages: ['m.login.password'] }]);
  expect(s.calls).toHaveLength(1);
});

test('registration token, then terms, then dummy', async () => {
  const terms = body(73).params as Record<string, unknown>;
  const flows = [{ stages: ['m.login.registration_token', 'm.login.terms', 'm.login.dummy'] }, { stages: ['m.login.registration_token', 'm.login.terms', 'm.login.email.identity'] }];
  const completed: string[] = [];
  const s = scriptedBy((auth) => {
    const t = typeOf(auth);
    if (t === 'm.login.registration_token' && (auth as { token: string }).token !== 'testtoken') {
      return uia401({ session: 'R', flows, params: { 'm.login.terms': terms['m.login.terms'] }, completed, errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' });
    }
    if (t) completed.push(t);
    return completed.length === 3 ? { ok: { user_id: '@erin:localhost' } } : uia401({ session: 'R', flows, params: { 'm.login.terms': terms['m.login.terms'] }, completed: [...completed] });
  });
  const policiesSeen: string[] = [];
  const result = await runUia({
    request: s.request,
    handlers: {
      registrationToken: (p) => (p.attempt === 1 ? 'nope' : 'testtoken'),
      terms: ({ policies }) => {
        policiesSeen.push(...policies.map((x) => x.id));
        return true;
      },
    },
  });
  expect(result).toEqual({ user_id: '@erin:localhost' });
  expect(policiesSeen).toEqual(['privacy_policy']);
  expect(s.calls.map((c) => typeOf(c.auth) ?? null)).toEqual([null, 'm.login.registration_token', 'm.login.registration_token', 'm.login.terms', 'm.login.dummy']);
  expect(s.calls.slice(1).every((c) => (c.auth as { session?: string }).session === 'R')).toBe(true);
});

test('recaptcha + terms with completed out of flow order (exchanges 73-77)', async () => {
  const s = scriptedBy((auth) => {
    const t = typeOf(auth);
    if (auth === null) return uia401(body(73));
    if (t === 'm.login.recaptcha') return uia401((auth as { response: string }).response === 'valid' ? body(76) : body(74));
    if (t === 'm.login.terms') return { ok: body(77) };
    return { status: 400, body: { errcode: 'M_UNRECOGNIZED', error: `unexpected ${t}` } };
  });
  const publicKeys: (string | null)[] = [];
  const result = await runUia({
    request: s.request,
    handlers: {
      recaptcha: (p) => {
        publicKeys.push(p.publicKey);
        return p.attempt === 1 ? 'invalid' : 'valid';
      },
      terms: () => true,
    },
  });
  expect(result).toMatchObject({ user_id: '@ivy:localhost' });
  expect(publicKeys).toEqual(['fake-public-key', 'fake-public-key']);
  // After the server reported [dummy, recaptcha] complete, the next stage is terms, not dummy.
  expect(s.calls.map((c) => typeOf(c.auth) ?? null)).toEqual([null, 'm.login.recaptcha', 'm.login.recaptcha', 'm.login.terms']);
});
