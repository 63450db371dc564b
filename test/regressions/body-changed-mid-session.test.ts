/**
 * Regression: an app resumed a UIA session for a request whose body had changed (another device
 * list, another new password); the server answered a confusing 403 after the user had
 * re-authenticated. With session binding, the mismatch is refused up front with a clear
 * `SessionMismatchError`, before anything is sent — from options and from a persisted snapshot.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { SessionMismatchError } from '../../src/errors/errors';
import { assertSnapshotBinding, requestFingerprint } from '../../src/decisions/session-binding';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';
import { waitForSnapshot } from '../helpers/wait';

const path = '/_matrix/client/v3/delete_devices';

test('resuming a session for a changed request body is refused before any request', async () => {
  const opened = await requestFingerprint({ method: 'POST', path, body: { devices: ['PHONE'] } });
  const server = createFuzzServer({ answers: [{ kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.dummy'] }], params: {} } }] });
  const first = createUiaActor({ stages: stageMachines, request: server.request, requestFingerprint: opened });
  first.start();
  first.send({ type: 'START' });
  // The 401 is in: the snapshot to resume from holds its session.
  await waitForSnapshot(first, (s) => s.status !== 'active' || s.context.session !== null);
  const saved = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
  const session = first.getSnapshot().context.session;
  first.stop();
  const calls = server.calls.length;

  const changed = await requestFingerprint({ method: 'POST', path, body: { devices: ['PHONE', 'LAPTOP'] } });
  const resumed = createUiaActor({ stages: stageMachines, request: server.request, sessionId: session!, sessionFingerprint: saved.context.settings.requestFingerprint, requestFingerprint: changed });
  resumed.start();
  resumed.send({ type: 'START' });
  const out = resumed.getSnapshot().output;
  resumed.stop();
  expect(out && out.status !== 'done' ? out.error : null).toBeInstanceOf(SessionMismatchError);
  expect(server.calls.length).toBe(calls);
  expect(() => assertSnapshotBinding(saved, changed)).toThrow(SessionMismatchError);
  expect(() => assertSnapshotBinding(saved, opened)).not.toThrow();
});
