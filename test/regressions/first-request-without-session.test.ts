/**
 * Regression: a client resuming a UIA session sent its first request without the known session,
 * so the server started a new session and the stages completed before (email validated in
 * another tab) were lost. The first request of a resume carries `{session}`.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';
import { ended, routed } from '../helpers/wait';

test('resuming sends the known session on the very first request and keeps it', async () => {
  const server = createFuzzServer({
    answers: (call) => {
      const session = (call.auth as { session?: string } | null)?.session;
      // A server opens a new session for a request without one.
      return { kind: 'http', status: 401, body: { session: session ?? 'NEW', flows: [{ stages: ['m.login.dummy', 'm.login.terms'] }], completed: session ? ['m.login.dummy'] : [], params: {} } };
    },
  });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, sessionId: 'S-known' });
  actor.start();
  actor.send({ type: 'START' });
  const snap = await routed(actor);
  actor.stop();
  expect(server.calls[0]!.auth).toEqual({ session: 'S-known' });
  expect(snap.context.session).toBe('S-known');
  expect(snap.context.completed).toEqual(['m.login.dummy']);
  expect(snap.context.stage).toBe('m.login.terms');
});

test('with the 401 already in hand, the first submission carries its session', async () => {
  const server = createFuzzServer({ answers: [{ kind: 'ok', body: {} }] });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, authData: { session: 'S-hand', flows: [{ stages: ['m.login.dummy'] }], params: {} } });
  actor.start();
  actor.send({ type: 'START' });
  const status = (await ended(actor)).output?.status;
  actor.stop();
  expect(server.calls.map((c) => c.auth)).toEqual([{ type: 'm.login.dummy', session: 'S-hand' }]);
  expect(status).toBe('done');
});
