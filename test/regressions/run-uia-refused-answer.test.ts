/**
 * Regression: runUia waited forever when a stage guard silently dropped a handler's answer (a
 * password with no identifier to go with it, an empty password, registration token or captcha
 * response): the stage never moved, so nothing asked again and nothing failed. Now runUia
 * rejects with an `InvalidOptionsError` naming the stage and why, and leaves nothing running.
 *
 * Each handler counts its calls and the run is raced against a macrotask turn, so a regression
 * fails fast instead of hanging the suite.
 */
import { runUia, type RunUiaOptions } from '../../src/api/run-uia';
import { InvalidOptionsError } from '../../src/errors/errors';
import { scripted, uia401 } from '../helpers/scripted-server';

const challenge = (stage: string, params: Record<string, unknown> = {}) => uia401({ session: 'S', flows: [{ stages: [stage] }], params });

/** Runs to completion, or reports 'pending' if the run still waits after the microtasks drain (the scripted server does no I/O). */
async function settle<T>(options: RunUiaOptions<T>): Promise<{ outcome: unknown; actor: { getSnapshot(): { status: string } } | null }> {
  let actor: { getSnapshot(): { status: string } } | null = null;
  const ac = new AbortController();
  const run = runUia({ ...options, signal: ac.signal, onActor: (a) => void (actor = a) }).then(
    (v) => ({ resolved: v }),
    (e: unknown) => e,
  );
  const outcome = await Promise.race([run, new Promise((r) => setImmediate(() => r('pending')))]);
  ac.abort(); // a no-op once settled; ends a hung run so the test leaves nothing behind
  await run;
  return { outcome, actor };
}

test('a password with no identifier (no userId, none in the answer) rejects with InvalidOptionsError', async () => {
  const s = scripted([challenge('m.login.password')]);
  const password = jest.fn(() => 'secret');
  const { outcome, actor } = await settle({ request: s.request, handlers: { password } });
  expect(outcome).toBeInstanceOf(InvalidOptionsError);
  expect((outcome as Error).message).toBe('m.login.password: the answer was refused (no user identifier: pass userId or answer with an identifier)');
  expect(password).toHaveBeenCalledTimes(1);
  expect(s.calls).toHaveLength(1); // nothing was submitted
  expect(actor!.getSnapshot().status).toBe('done');
});

test('an empty password rejects with InvalidOptionsError', async () => {
  const s = scripted([challenge('m.login.password')]);
  const { outcome } = await settle({ request: s.request, userId: '@a:hs', handlers: { password: () => '' } });
  expect(outcome).toBeInstanceOf(InvalidOptionsError);
  expect((outcome as Error).message).toBe('m.login.password: the answer was refused (empty password)');
  expect(s.calls).toHaveLength(1);
});

test('an empty registration token rejects with InvalidOptionsError', async () => {
  const s = scripted([challenge('m.login.registration_token')]);
  const { outcome } = await settle({ request: s.request, handlers: { registrationToken: () => '  ' } });
  expect(outcome).toBeInstanceOf(InvalidOptionsError);
  expect((outcome as Error).message).toBe('m.login.registration_token: the answer was refused (empty registration token)');
});

test('an empty captcha response rejects with InvalidOptionsError', async () => {
  const s = scripted([challenge('m.login.recaptcha', { 'm.login.recaptcha': { public_key: 'k' } })]);
  const { outcome } = await settle({ request: s.request, handlers: { recaptcha: () => '' } });
  expect(outcome).toBeInstanceOf(InvalidOptionsError);
  expect((outcome as Error).message).toBe('m.login.recaptcha: the answer was refused (empty captcha response)');
});

test('an identifier given in the answer is accepted without userId', async () => {
  const s = scripted([challenge('m.login.password'), { ok: { done: true } }]);
  const { outcome } = await settle({
    request: s.request,
    handlers: { password: () => ({ password: 'secret', identifier: { type: 'm.id.user', user: '@a:hs' } }) },
  });
  expect(outcome).toEqual({ resolved: { done: true } });
});
