/**
 * Regression: a 429 during UIA was treated as fatal and the user lost their progress. It must be
 * waited out (for its `retry_after_ms`) and the same request retried.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, type FuzzAnswer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

const limited: FuzzAnswer = { kind: 'http', status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1500 } };

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('a 429 on the first request and on a submission is waited out, then the request is retried', async () => {
  const server = createFuzzServer({
    answers: [limited, { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {} } }, limited, { kind: 'ok', body: { done: true } }],
  });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(2000);
  actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
  await jest.advanceTimersByTimeAsync(2000);
  const out = actor.getSnapshot().output;
  actor.stop();
  expect(out?.status).toBe('done');
  const c = server.calls;
  expect(c).toHaveLength(4);
  expect(c[1]!.at - c[0]!.answeredAt).toBeGreaterThanOrEqual(1500);
  expect(c[3]!.at - c[2]!.answeredAt).toBeGreaterThanOrEqual(1500);
  expect(c[3]!.auth).toEqual(c[2]!.auth);
});
