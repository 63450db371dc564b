/**
 * Regression (issue 14, item 4, runUia's half): an `onSnapshot` that throws escaped as three
 * uncaught exceptions (XState reports an observer's throw as unhandled) and `runUia` never
 * settled. Now every callback runUia calls is isolated: the negotiation is cancelled and
 * `runUia` rejects with a typed error naming the callback. Neighbour: `onActor` likewise.
 */
import { runUia } from '../../src/api/run-uia';
import { HttpError, failOnUncaught } from '../helpers/http-error';
import { drain } from '../helpers/wait';

// An observer's throw is reported by XState from a timer: each test drains it while still
// running, so Jest fails that test with it.
failOnUncaught();

const sent: unknown[] = [];
const request = async (auth: unknown) => {
  sent.push(auth);
  if (auth) return { ok: true };
  throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.password'] }] });
};

test.each([1, 2, 3])('onSnapshot throwing on call %i: runUia rejects with a typed error naming it, nothing uncaught', async (on) => {
  let n = 0;
  const run = runUia({
    request,
    userId: '@a:hs',
    handlers: { password: () => 'pw' },
    onSnapshot: () => {
      if (++n === on) throw new Error('app bug');
    },
  });
  await expect(run).rejects.toMatchObject({ code: 'ABORTED', message: expect.stringContaining('onSnapshot') });
});

test('onActor throwing: a typed error naming it, and nothing is sent', async () => {
  sent.length = 0;
  const run = runUia({
    request,
    onActor: () => {
      throw new Error('app bug');
    },
  });
  await expect(run).rejects.toMatchObject({ code: 'ABORTED', message: expect.stringContaining('onActor') });
  expect(sent).toEqual([]);
  // Nor later: runUia has settled, so its actor is stopped or was never started; once what it had
  // queued has run, nothing is left that could send.
  await drain();
  expect(sent).toEqual([]);
});
