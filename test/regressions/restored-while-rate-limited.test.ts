/**
 * Regression: a chart persisted while waiting out a 429 hung forever once restored (XState does
 * not persist delayed events). Restored, it schedules the wait again; a submission whose sealed
 * dict did not survive the snapshot comes back to the stage with an error instead of sending a
 * broken body.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, type FuzzAnswer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

const limited: FuzzAnswer = { kind: 'http', status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1500 } };
const challenge: FuzzAnswer = { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {} } };

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('restored in rateLimited on the first request: the wait is scheduled again and the request retried', async () => {
  const server = createFuzzServer({ answers: [limited, challenge] });
  const first = createUiaActor({ stages: stageMachines, request: server.request, userId: '@a:hs' });
  first.start();
  first.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(10);
  expect(first.getSnapshot().value).toBe('rateLimited');
  const saved = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
  first.stop();

  const restored = createUiaActor({ stages: stageMachines, request: server.request, userId: '@a:hs', snapshot: checkUiaSnapshot(saved) });
  restored.start();
  await jest.advanceTimersByTimeAsync(1499);
  expect(server.calls).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(10);
  expect(server.calls).toHaveLength(2);
  expect(restored.getSnapshot().value).toBe('awaitingStage');
  restored.stop();
});

test('restored in rateLimited on a password submission: back to the stage, nothing broken is sent', async () => {
  const server = createFuzzServer({ answers: [challenge, limited, { kind: 'ok', body: {} }] });
  const first = createUiaActor({ stages: stageMachines, request: server.request, userId: '@a:hs' });
  first.start();
  first.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(10);
  first.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2-secret' });
  await jest.advanceTimersByTimeAsync(10);
  expect(first.getSnapshot().value).toBe('rateLimited');
  const json = JSON.stringify(first.getPersistedSnapshot());
  expect(json).not.toContain('hunter2-secret');
  first.stop();

  const restored = createUiaActor({ stages: stageMachines, request: server.request, userId: '@a:hs', snapshot: checkUiaSnapshot(JSON.parse(json)) });
  restored.start();
  await jest.advanceTimersByTimeAsync(2000);
  expect(server.calls).toHaveLength(2);
  const s = restored.getSnapshot();
  expect(s.value).toBe('awaitingStage');
  expect(s.context.stageError?.code).toBe('NETWORK');
  restored.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2-secret' });
  await jest.advanceTimersByTimeAsync(10);
  expect(restored.getSnapshot().status).toBe('done');
  expect(server.calls[2]!.auth).toMatchObject({ type: 'm.login.password', password: 'hunter2-secret', session: 'S1' });
  restored.stop();
});
