/**
 * Regression: the validation email was sent as soon as a flow containing the email stage was
 * chosen, before an earlier captcha or registration token stage was done — letting anyone make
 * the server mail arbitrary addresses. The email goes out only when its stage is reached.
 */
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
    await new Promise((r) => setTimeout(r, 5));
    expect(actor.getSnapshot().context.stage).toBe(first);
    expect(email.calls).toHaveLength(0);
    actor.send(submit);
    await new Promise((r) => setTimeout(r, 5));
    const stage = actor.getSnapshot().context.stage;
    actor.stop();
    expect(stage).toBe('m.login.email.identity');
    expect(email.calls).toHaveLength(1);
  });
});
