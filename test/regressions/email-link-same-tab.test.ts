/**
 * Regression: users opened the email validation link in the same tab, which unloaded the app;
 * coming back, the negotiation was lost (or restarted and sent a second email). The app persists
 * the snapshot; restored from it, the chart resumes where it was — same session, same email sid
 * and client secret, no new email — and finishes once the link has been clicked.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import type { Snapshot } from 'xstate';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, createFuzzSideFunction } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('a negotiation restored from a persisted snapshot after the link was clicked finishes without a new email', async () => {
  let clicked = false;
  const server = createFuzzServer({
    answers: (call) => {
      const auth = call.auth as { type?: string; threepid_creds?: { sid: string } } | null;
      if (auth?.type === 'm.login.email.identity' && auth.threepid_creds?.sid === 'sid1' && clicked) return { kind: 'ok', body: { ok: true } };
      return { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.email.identity'] }], params: {}, completed: [] } };
    },
  });
  const email = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
  const options = { request: server.request, requestEmailToken: email.fn, inputs: { emailAddress: 'a@example.org' }, stages: stageMachines };
  const first = createUiaActor(options);
  first.start();
  first.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(3000);
  // The app saves the snapshot (e.g. in sessionStorage) as it goes; then the tab navigates away.
  const saved = JSON.parse(JSON.stringify(first.getPersistedSnapshot())) as Snapshot<unknown>;
  const secret = first.getSnapshot().context.settings.clientSecret;
  first.stop();
  clicked = true;
  const callsBefore = server.calls.length;

  const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(saved) });
  restored.start();
  await jest.advanceTimersByTimeAsync(30_000);
  const out = restored.getSnapshot().output;
  restored.stop();
  expect(out?.status).toBe('done');
  expect(email.calls).toHaveLength(1);
  const resumed = server.calls.slice(callsBefore);
  expect(resumed.length).toBeGreaterThan(0);
  for (const c of resumed) expect(c.auth).toMatchObject({ session: 'S1', threepid_creds: { sid: 'sid1', client_secret: secret } });
});
