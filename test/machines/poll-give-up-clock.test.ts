/**
 * Polling's give-up runs on the chart's own clock: the delays it waited, not `Date.now()`. A
 * simulated clock (XState's `SimulatedClock`, as model-based tests use) drives the backoff and the
 * give-up without real or faked timers, and the wall clock has no say.
 */
import { createActor, SimulatedClock } from 'xstate';
import { createUiaMachine } from '../../src/api/create-uia-machine';
import { flush } from '../helpers/controllable';
import { stageMachines } from '../../machines/stages';

const EMAIL = 'm.login.email.identity';
const challenge = { session: 'S', flows: [{ stages: [EMAIL] }], params: {} };
/** Every request answers 401 with the same challenge: the link is never clicked. */
const notYet = async (): Promise<never> => {
  throw Object.assign(new Error('401'), { httpStatus: 401, data: challenge });
};

function pollingChart(polling: { intervalMs: number; backoffFactor: number; maxIntervalMs?: number; giveUpAfterMs: number }) {
  const clock = new SimulatedClock();
  const requests: unknown[] = [];
  const machine = createUiaMachine({
    request: (auth) => {
      requests.push(auth);
      return notYet();
    },
    requestEmailToken: async () => ({ sid: 'SID' }),
  }, stageMachines);
  const actor = createActor(machine, { clock, input: { inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs', polling } });
  actor.start();
  return { actor, clock, requests };
}

/** Advances the simulated clock and lets the poll it fires settle. */
async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  clock.increment(ms);
  await flush();
}

test('polls follow the backoff on a simulated clock and give up once the waits reach giveUpAfterMs', async () => {
  const { actor, clock, requests } = pollingChart({ intervalMs: 1000, backoffFactor: 2, maxIntervalMs: 4000, giveUpAfterMs: 7000 });
  actor.send({ type: 'START' });
  await flush();
  expect(actor.getSnapshot().value).toEqual({ polling: 'waiting' });
  expect(requests).toHaveLength(1);

  // Waits 1000, 2000, then 4000 would reach 7000: the third timer gives up instead of polling.
  await advance(clock, 999);
  expect(requests).toHaveLength(1);
  await advance(clock, 1);
  expect(requests).toHaveLength(2);
  expect(actor.getSnapshot().context.poll).toMatchObject({ count: 1, waitedMs: 1000, stopped: false });
  await advance(clock, 2000);
  expect(requests).toHaveLength(3);
  expect(actor.getSnapshot().context.poll.waitedMs).toBe(3000);
  await advance(clock, 4000);
  expect(requests).toHaveLength(3);
  expect(actor.getSnapshot().value).toBe('awaitingStage');
  expect(actor.getSnapshot().context.poll.stopped).toBe(true);

  // The stage stays open: POLL checks again and starts a fresh give-up budget.
  actor.send({ type: 'POLL' });
  await flush();
  expect(requests).toHaveLength(4);
  expect(actor.getSnapshot().value).toEqual({ polling: 'waiting' });
  expect(actor.getSnapshot().context.poll).toMatchObject({ waitedMs: 0, stopped: false });
  actor.stop();
});
