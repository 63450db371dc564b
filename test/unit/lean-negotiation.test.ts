/**
 * What the performance work (issue 15) changed underneath, shown to behave as before:
 * - the client secret is made only when an email or SMS stage opens, then kept (and persisted);
 * - runUia's prompt signal is made only when a handler reads it, and still aborts when the
 *   answer is no longer wanted (the negotiation ends, the stage completes elsewhere);
 * - a stage refusal is a `StageError` as before (class, code, fields, message), built without a
 *   stack trace.
 */
import { checkUiaSnapshot, createUiaActor, runUia, StageError } from '../../src';
import { waitFor } from 'xstate';
import { stageMachines } from '../../machines/stages';
import { isValidClientSecret } from '../../src/secrets/client-secret';
import { scripted, uia401 } from '../helpers/scripted-server';

const challenge = (stages: string[], session = 'S') => uia401({ session, flows: [{ stages }], params: {} });

/** Starts a negotiation with `options`, persists it once it waits, and restores it (started) from the JSON. */
async function persistedAndRestored(options: Parameters<typeof createUiaActor>[0]) {
  const actor = createUiaActor(options);
  actor.start();
  actor.send({ type: 'START' });
  await new Promise((r) => setImmediate(r));
  const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown;
  actor.stop();
  const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(saved) });
  restored.start();
  return restored;
}

describe('client secret', () => {
  test('none is made for a password negotiation', async () => {
    const s = scripted([challenge(['m.login.password']), { ok: {} }]);
    const actor = createUiaActor({ stages: stageMachines, request: s.request, userId: '@a:x' });
    actor.start();
    actor.send({ type: 'START' });
    await new Promise((r) => setImmediate(r));
    expect(actor.getSnapshot().value).toBe('awaitingStage');
    expect(actor.getSnapshot().context.settings.clientSecret).toBeNull();
    actor.stop();
  });

  test('made by the email stage, kept by the chart with the sid it is bound to, persisted, and the same on a restore', async () => {
    const s = scripted([challenge(['m.login.email.identity']), challenge(['m.login.email.identity'])]);
    const requestEmailToken = jest.fn(async () => ({ sid: 'sid-1' }));
    const options = { stages: stageMachines, request: s.request, requestEmailToken, inputs: { emailAddress: 'a@example.org' } };
    const actor = createUiaActor(options);
    actor.start();
    actor.send({ type: 'START' });
    await new Promise((r) => setImmediate(r));
    const secret = actor.getSnapshot().context.settings.clientSecret;
    expect(typeof secret).toBe('string');
    expect(isValidClientSecret(secret!)).toBe(true);
    expect(requestEmailToken).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: secret }));
    const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown;
    actor.stop();
    const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(saved) });
    expect(restored.getSnapshot().context.settings.clientSecret).toBe(secret);
  });

  test('a snapshot taken before any secret was made restores, and one is made when email opens', async () => {
    const flow = { session: 'S', flows: [{ stages: ['m.login.password', 'm.login.email.identity'] }], params: {} };
    const s = scripted([uia401(flow), uia401({ ...flow, completed: ['m.login.password'] })]);
    const options = { stages: stageMachines, request: s.request, requestEmailToken: async () => ({ sid: 'sid-1' }), userId: '@a:x', inputs: { emailAddress: 'a@example.org' } };
    const restored = await persistedAndRestored(options);
    expect(restored.getSnapshot().context.settings.clientSecret).toBeNull();
    restored.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await new Promise((r) => setImmediate(r));
    expect(restored.getSnapshot().matches('polling')).toBe(true);
    expect(restored.getSnapshot().context.stage).toBe('m.login.email.identity');
    expect(isValidClientSecret(restored.getSnapshot().context.settings.clientSecret!)).toBe(true);
    restored.stop();
  });

  test('a given secret is used as it is', async () => {
    const s = scripted([challenge(['m.login.email.identity'])]);
    const requestEmailToken = jest.fn(async () => ({ sid: 'sid-1' }));
    const actor = createUiaActor({ stages: stageMachines, request: s.request, requestEmailToken, clientSecret: 'given-secret', inputs: { emailAddress: 'a@example.org' } });
    actor.start();
    expect(actor.getSnapshot().context.settings.clientSecret).toBe('given-secret');
    actor.send({ type: 'START' });
    await new Promise((r) => setImmediate(r));
    expect(requestEmailToken).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: 'given-secret' }));
    actor.stop();
  });
});

describe('the 3PID stages make the client secret', () => {
  test('the SMS stage makes one and sends it with the token request; a given one is used as it is', async () => {
    const secrets: string[] = [];
    for (const clientSecret of [undefined, 'given-sms-secret']) {
      const s = scripted([challenge(['m.login.msisdn'])]);
      const requestMsisdnToken = jest.fn(async (req: { clientSecret: string }) => {
        secrets.push(req.clientSecret);
        return { sid: 'sms-1' };
      });
      const actor = createUiaActor({
        stages: stageMachines, request: s.request, requestMsisdnToken,
        inputs: { phoneCountry: 'GB', phoneNumber: '07700900000' }, ...(clientSecret ? { clientSecret } : {}),
      });
      actor.start();
      actor.send({ type: 'START' });
      await waitFor(actor, () => requestMsisdnToken.mock.calls.length > 0, { timeout: 10_000 });
      actor.stop();
    }
    expect(isValidClientSecret(secrets[0]!)).toBe(true);
    expect(secrets[1]).toBe('given-sms-secret');
  });

  test('a password negotiation makes no client secret: crypto.getRandomValues is never called', async () => {
    const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
    const s = scripted([challenge(['m.login.password']), { ok: {} }]);
    const actor = createUiaActor({ stages: stageMachines, request: s.request, userId: '@a:x' });
    actor.start();
    actor.send({ type: 'START' });
    await waitFor(actor, (snap) => snap.matches('awaitingStage'), { timeout: 10_000 });
    actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await waitFor(actor, (snap) => snap.status === 'done', { timeout: 10_000 });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('runUia prompt signal', () => {
  test('a handler that reads the signal sees it aborted once the answer is no longer wanted', async () => {
    const s = scripted([challenge(['m.login.password'])]);
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const run = runUia({
      request: s.request,
      userId: '@a:x',
      signal: ac.signal,
      handlers: {
        password: (p) => {
          seen = p.signal;
          expect(p.signal.aborted).toBe(false);
          return new Promise<string>(() => {}); // the user never answers
        },
      },
    });
    await new Promise((r) => setImmediate(r));
    expect(seen?.aborted).toBe(false);
    ac.abort();
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen!.aborted).toBe(true);
  });

  test('a signal read only after the prompt was cancelled is already aborted', async () => {
    const s = scripted([challenge(['m.login.password'])]);
    const ac = new AbortController();
    let prompt: { signal: AbortSignal } | undefined;
    const run = runUia({ request: s.request, userId: '@a:x', signal: ac.signal, handlers: { password: (p) => ((prompt = p), new Promise<string>(() => {})) } });
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(prompt!.signal.aborted).toBe(true);
  });
});

test('a refusal is a StageError as before, without a captured stack', () => {
  const e = new StageError('m.login.password', 'M_FORBIDDEN', 'Invalid password');
  expect(e).toBeInstanceOf(StageError);
  expect(e).toBeInstanceOf(Error);
  expect(e).toMatchObject({ name: 'StageError', code: 'STAGE', stage: 'm.login.password', errcode: 'M_FORBIDDEN', serverError: 'Invalid password', message: 'Invalid password' });
  expect(String(e.stack)).not.toContain('lean-negotiation.test');
  // Other errors keep their stack, and the limit is restored.
  expect(String(new Error('x').stack)).toContain('lean-negotiation.test');
});

describe('a waiting negotiation holds no empty value of its own (heap per open dialog)', () => {
  /** Two password negotiations waiting for the password, with the given 401 body. */
  async function twoWaiting(body: Record<string, unknown>) {
    const actors = [0, 1].map(() => {
      const s = scripted([uia401(body)]);
      const actor = createUiaActor({ stages: stageMachines, request: s.request, userId: '@a:x' });
      actor.start();
      actor.send({ type: 'START' });
      return actor;
    });
    await new Promise((r) => setImmediate(r));
    for (const a of actors) expect(a.getSnapshot().value).toBe('awaitingStage');
    return actors;
  }

  test('empty params, completed and inputs are one shared, frozen, prototype-less value each', async () => {
    const [a, b] = await twoWaiting({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} });
    const ca = a!.getSnapshot().context;
    const cb = b!.getSnapshot().context;
    expect(ca.params).toBe(cb.params);
    expect(ca.completed).toBe(cb.completed);
    expect(ca.settings.inputs).toBe(cb.settings.inputs);
    for (const v of [ca.params, ca.completed, ca.settings.inputs]) expect(Object.isFrozen(v)).toBe(true);
    expect(Object.getPrototypeOf(ca.params)).toBeNull();
    // Frozen: a caller that tries to change one gets an error, not every negotiation's value changed.
    expect(() => (ca.completed as string[]).push('x')).toThrow(TypeError);
    expect(() => {
      (ca.params as Record<string, unknown>)['m.login.password'] = {};
    }).toThrow(TypeError);
    expect(ca.params).toEqual({});
    a!.stop();
    b!.stop();
  });

  test('params and completed the server sent are each negotiation’s own copy, without prototype', async () => {
    const body = { session: 'S', flows: [{ stages: ['m.login.dummy', 'm.login.password'] }], params: { 'm.login.password': { hint: 1 } }, completed: ['m.login.dummy'] };
    const [a, b] = await twoWaiting(body);
    const ca = a!.getSnapshot().context;
    const cb = b!.getSnapshot().context;
    expect(ca.params).toEqual({ 'm.login.password': { hint: 1 } });
    expect(Object.getPrototypeOf(ca.params)).toBeNull();
    expect(ca.params).not.toBe(cb.params);
    expect(ca.completed).toEqual(['m.login.dummy']);
    expect(ca.completed).not.toBe(cb.completed);
    expect(ca.completed).not.toBe(body.completed);
    a!.stop();
    b!.stop();
  });

  test('a persisted snapshot with the shared empties restores and goes on', async () => {
    const s = scripted([challenge(['m.login.password']), { ok: { done: true } }]);
    const restored = await persistedAndRestored({ stages: stageMachines, request: s.request, userId: '@a:x' });
    expect(restored.getSnapshot().context.completed).toEqual([]);
    restored.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    const done = await waitFor(restored, (snap) => snap.status === 'done');
    expect(done.output?.status).toBe('done');
  });
});
