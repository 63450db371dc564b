/**
 * Regression: the validation email was sent as soon as a flow containing the email stage was
 * chosen, before an earlier captcha or registration token stage was done — letting anyone make
 * the server mail arbitrary addresses. The email goes out only when its stage is reached.
 */
import { waitFor } from 'xstate';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, createFuzzSideFunction } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

describe.each([
  ['m.login.recaptcha', { type: 'RECAPTCHA.SUBMIT', response: 'captcha-ok' }],
  ['m.login.registration_token', { type: 'TOKEN.SUBMIT', token: 'token-ok' }],
] as const)('after %s', (first, submit) => {
  test('no email is requested until the earlier stage is accepted', async () => {
    const server = createFuzzServer({
      answers: (call) => {
        const auth = call.auth as { type?: string } | null;
        const done = auth?.type === first;
        return { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: [first, 'm.login.email.identity'] }], params: {}, completed: done ? [first] : [] } };
      },
    });
    const email = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
    const actor = createUiaActor({ stages: stageMachines, request: server.request, requestEmailToken: email.fn, inputs: { emailAddress: 'victim@example.org' }, polling: { intervalMs: 60_000 } });
    actor.start();
    actor.send({ type: 'START' });
    // Waits on the chart's state, not on the clock: on a busy machine a fixed 5 ms was not enough
    // for the token check and the next request (the lowest-xstate CI run failed once so).
    await waitFor(actor, (s) => s.context.stage === first, { timeout: 10_000 });
    expect(email.calls).toHaveLength(0);
    actor.send(submit);
    await waitFor(actor, (s) => s.context.stage !== first || s.status !== 'active', { timeout: 10_000 });
    const stage = actor.getSnapshot().context.stage;
    await waitFor(actor, () => email.calls.length > 0, { timeout: 10_000 }).catch(() => undefined);
    actor.stop();
    expect(stage).toBe('m.login.email.identity');
    expect(email.calls).toHaveLength(1);
  });
});
