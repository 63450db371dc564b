/**
 * Regression (seen as a flaky browser test on a loaded machine: "deactivate with single sign-on"
 * ended in M_UNKNOWN_TOKEN): a submission arriving while a background poll was in flight aborted
 * the poll and sent itself. Aborting a request only stops the client from reading its answer:
 * the server may already have run the operation. After an out-of-band stage is done, the poll
 * `{session}` *is* the final request, so the server deactivated the account on the poll, and the
 * submission that replaced it was refused (the token was gone) and the negotiation failed though
 * the operation had succeeded.
 *
 * Now a submission made during a poll waits for that poll's answer (busy meanwhile): a success
 * ends the negotiation, anything else sends the submission.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { stageMachines } from '../../machines/stages';
import type { UiaRequestFn } from '../../src/types';

const FLOW = { stages: ['m.login.sso'] };

/** A server whose operation can run once (deactivate): after it, the token is refused. */
function deactivateServer() {
  let ssoDone = false;
  let deactivated = false;
  const calls: { auth: unknown; background: boolean; aborted: () => boolean }[] = [];
  /** The poll in flight: the server runs it (`run`) when the test says, and answers later. */
  let held: { run: () => Promise<unknown>; deliver: () => void } | null = null;
  const request: UiaRequestFn<unknown> = (auth, { signal, background }) => {
    calls.push({ auth, background, aborted: () => signal.aborted });
    const answer = async () => {
      if (deactivated) throw { httpStatus: 401, data: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' } };
      if (auth && ssoDone) {
        deactivated = true;
        return { deactivated: true };
      }
      throw { httpStatus: 401, data: { session: 'S1', flows: [FLOW], params: {}, completed: [] } };
    };
    if (!background) return answer();
    // Background polls stay in flight until the test lets them answer. The server runs one
    // whether or not the client still waits for it (an abort does not undo it).
    return new Promise((resolve, reject) => {
      let result: Promise<unknown> | null = null;
      const run = () => (result ??= answer());
      held = { run, deliver: () => void run().then(resolve, reject) };
    });
  };
  return {
    request,
    calls,
    completeSso: () => (ssoDone = true),
    /** The server receives and runs the poll in flight now; its answer is not delivered yet. */
    serverRunsPoll: () => void held?.run().catch(() => undefined),
    /** The poll in flight answers (run now if the server had not run it yet). */
    releasePoll: () => {
      const h = held;
      held = null;
      h?.deliver();
    },
    get deactivated() {
      return deactivated;
    },
  };
}

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

async function pollInFlight() {
  const server = deactivateServer();
  const actor = createUiaActor({ stages: stageMachines, request: server.request, homeserverUrl: 'https://hs.example', userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(0);
  expect(actor.getSnapshot().context.stage).toBe('m.login.sso');
  // The first poll goes out and stays in flight.
  await jest.advanceTimersByTimeAsync(60_000);
  expect(actor.getSnapshot().matches({ polling: 'checking' })).toBe(true);
  return { server, actor };
}

test('the popup says done while a poll that completes the operation is in flight: the poll answer ends it, nothing is sent again', async () => {
  const { server, actor } = await pollInFlight();
  // The user finished SSO; the poll in flight reaches the server afterwards and deactivates,
  // and the popup's message arrives before the poll's answer.
  server.completeSso();
  server.serverRunsPoll();
  actor.send({ type: 'FALLBACK.DONE' });
  await jest.advanceTimersByTimeAsync(0);
  expect(actor.getSnapshot().hasTag('busy')).toBe(true);
  expect(server.calls.at(-1)!.aborted()).toBe(false);
  server.releasePoll();
  await jest.advanceTimersByTimeAsync(0);
  const snapshot = actor.getSnapshot();
  expect(snapshot.value).toBe('done');
  expect(snapshot.context.error).toBeNull();
  expect(server.deactivated).toBe(true);
  // The first request, the poll; no submission after the poll that succeeded.
  expect(server.calls.map((c) => c.background)).toEqual([false, true]);
  actor.stop();
});

test('a submission during a poll that answers "not yet" is sent once the poll has answered', async () => {
  const { server, actor } = await pollInFlight();
  actor.send({ type: 'FALLBACK.DONE' });
  await jest.advanceTimersByTimeAsync(0);
  // The poll answers "not yet" (SSO not done when it arrived); then the user's submission goes.
  server.releasePoll();
  server.completeSso();
  await jest.advanceTimersByTimeAsync(0);
  expect(actor.getSnapshot().value).toBe('done');
  expect(server.calls.map((c) => [c.background, c.auth])).toEqual([
    [false, null],
    [true, { session: 'S1' }],
    [false, { session: 'S1' }],
  ]);
  actor.stop();
});

test('cancelling while a submission waits for the poll stops both', async () => {
  const { server, actor } = await pollInFlight();
  actor.send({ type: 'FALLBACK.DONE' });
  await jest.advanceTimersByTimeAsync(0);
  actor.send({ type: 'CANCEL' });
  expect(actor.getSnapshot().value).toBe('cancelled');
  expect(server.calls.at(-1)!.aborted()).toBe(true);
  server.releasePoll();
  await jest.advanceTimersByTimeAsync(0);
  expect(actor.getSnapshot().value).toBe('cancelled');
  expect(server.calls).toHaveLength(2);
});
