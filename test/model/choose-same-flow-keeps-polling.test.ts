/**
 * Regression found by the model-based tests: a CHOOSE_FLOW that keeps the open stage (the flow
 * already followed, or one that resolves to it because a stage of the current flow is complete)
 * moved a polling stage (m.login.sso through the fallback page here; the email stage alike) from
 * `polling` to `awaitingStage`. Nothing re-started the checks, not even RESUME_POLLING, so the
 * out-of-band completion went unnoticed until the app sent POLL. The chart now goes back to
 * polling when the stage it keeps was polling.
 */
import { selectStage } from '../../src/api/selectors';
import { flush } from '../helpers/controllable';
import { MODEL_POLL_MS, playPath, startModelActor } from '../helpers/model-driver';
import { MODEL_FLOWS, MODEL_SESSION, type ModelEvent } from '../helpers/model-uia';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const challenge = (completed: string[]) => ({
  session: MODEL_SESSION,
  flows: [{ stages: [...MODEL_FLOWS.F1] }, { stages: [...MODEL_FLOWS.F2] }],
  params: {},
  completed,
});

/** A chart whose password stage is done and whose m.login.sso stage polls. */
async function atSsoPolling() {
  const c = startModelActor();
  c.actor.send({ type: 'START' });
  c.req.last().challenge(challenge([]));
  await flush();
  c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
  await flush();
  c.req.last().challenge(challenge(['m.login.password']));
  await flush();
  expect(c.actor.getSnapshot().value).toEqual({ polling: 'waiting' });
  return c;
}

test.each([
  ['the flow already followed', MODEL_FLOWS.F1],
  ['another flow, which resolves to the same stage', MODEL_FLOWS.F2],
])('CHOOSE_FLOW of %s while polling keeps polling', async (_name, stages) => {
  const { actor, req } = await atSsoPolling();
  const calls = req.calls.length;
  actor.send({ type: 'CHOOSE_FLOW', stages: [...stages] });
  await flush();
  const s = actor.getSnapshot();
  expect(s.value).toEqual({ polling: 'waiting' });
  expect(selectStage(s)?.type).toBe('m.login.sso');
  await jest.advanceTimersByTimeAsync(MODEL_POLL_MS);
  expect(actor.getSnapshot().value).toEqual({ polling: { checking: 'background' } });
  expect(req.calls).toHaveLength(calls + 1);
  expect(req.last()).toMatchObject({ background: true, auth: { session: MODEL_SESSION } });
  actor.stop();
});

test('the model path that found it', async () => {
  const path: ModelEvent[] = [
    { type: 'START' },
    { type: 'ANSWER.CHALLENGE' },
    { type: 'SUBMIT' },
    { type: 'ANSWER.ADVANCE' },
    { type: 'CHOOSE_FLOW', flow: 'F1' },
    { type: 'TIMER.POLL' },
    { type: 'ANSWER.CHALLENGE' },
  ];
  expect(await playPath(path)).toBeNull();
});
