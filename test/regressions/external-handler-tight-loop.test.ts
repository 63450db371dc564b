/**
 * Regression: a fallback/SSO handler that resolves at once ("done!") while the server keeps
 * answering 401 made runUia resubmit `{session}` in a tight loop, tying up the event loop and
 * hammering the server. After a refusal the handler is asked again only after a growing pause.
 */
import { runUia } from '../../src/api/run-uia';
import { scripted, uia401 } from '../helpers/scripted-server';

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('an impatient external handler cannot make runUia hammer the server', async () => {
  const challenge = uia401({ session: 'S', flows: [{ stages: ['m.login.sso'] }], params: {} });
  const s = scripted([challenge]);
  let asked = 0;
  const ac = new AbortController();
  const run = runUia({
    request: s.request,
    homeserverUrl: 'https://hs.example',
    polling: { intervalMs: 60_000 },
    signal: ac.signal,
    handlers: { external: async () => void asked++ },
  });
  run.catch(() => {});
  await jest.advanceTimersByTimeAsync(10_000);
  // First request, then at most one resubmission per pause (1 s, 2 s, 4 s): nowhere near a loop.
  expect(s.calls.length).toBeLessThanOrEqual(5);
  expect(asked).toBeGreaterThanOrEqual(2);
  expect(asked).toBeLessThanOrEqual(4);
  ac.abort();
  await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  expect(jest.getTimerCount()).toBe(0);
});
