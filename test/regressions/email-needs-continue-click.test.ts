/**
 * Regression: after validating their email, users had to come back and click "continue", because
 * the client only checked when asked. Polling must notice the click by itself.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, createFuzzSideFunction } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('the chart finishes by itself once the email link is clicked, with no user event', async () => {
  let clicked = false;
  const server = createFuzzServer({
    answers: (call) => {
      const auth = call.auth as { type?: string } | null;
      if (auth?.type === 'm.login.email.identity' && clicked) return { kind: 'ok', body: { ok: true } };
      return { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.email.identity'] }], params: {}, completed: [] } };
    },
  });
  const email = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
  const actor = createUiaActor({ stages: stageMachines, request: server.request, requestEmailToken: email.fn, inputs: { emailAddress: 'a@example.org' } });
  actor.start();
  actor.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(10_000);
  expect(actor.getSnapshot().status).toBe('active');
  clicked = true; // in the mail client, elsewhere
  await jest.advanceTimersByTimeAsync(30_000);
  const out = actor.getSnapshot().output;
  actor.stop();
  expect(out?.status).toBe('done');
  expect(email.calls).toHaveLength(1);
});
