/**
 * `oauthAwareRequest` spaces the checks of an m.oauth stage at least `minGapMs` apart, measured
 * on its own clock (injected here, so the verdict does not depend on how busy the machine is):
 * it waits exactly what is left of the gap, not at all once the gap has passed, and never before
 * an oauth challenge was seen (a password retry on a UIA server goes at once).
 */
import { oauthAwareRequest } from '../../src/api/oauth-request';
import type { AuthDict } from '../../src/types';

const OAUTH_401 = { session: 'dummy', flows: [{ stages: ['m.oauth'] }], params: { 'm.oauth': { url: 'https://auth.example/account' } }, msg: 'approve it' };
const PASSWORD_401 = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} };

/** A fake clock and sleep: sleeping moves the clock; every sleep is recorded. */
function clock() {
  let t = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => void (t += ms),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

const reject401 = (data: unknown) => Promise.reject(Object.assign(new Error('HTTP 401'), { httpStatus: 401, data }));
const signal = new AbortController().signal;

test('checks of an m.oauth stage: the wait is what is left of 500 ms since the last start', async () => {
  const c = clock();
  const wrapped = oauthAwareRequest<unknown>(() => reject401(OAUTH_401), { now: c.now, sleep: c.sleep });
  const call = () => wrapped({ type: 'm.oauth', session: 'dummy' } as AuthDict, { signal, background: true }).catch((e: unknown) => e);
  await call(); // the first request: nothing to space from
  expect(c.sleeps).toEqual([]);
  c.advance(120); // the chart polled 120 ms later
  await call();
  expect(c.sleeps).toEqual([380]);
  c.advance(700); // the gap has already passed
  await call();
  expect(c.sleeps).toEqual([380]);
});

test('before any m.oauth challenge (a UIA server asking for a password), nothing is spaced', async () => {
  const c = clock();
  const wrapped = oauthAwareRequest<unknown>(() => reject401(PASSWORD_401), { now: c.now, sleep: c.sleep });
  for (let i = 0; i < 3; i++) await wrapped({ type: 'm.login.password' } as AuthDict, { signal, background: false }).catch(() => undefined);
  expect(c.sleeps).toEqual([]);
});

test('minGapMs sets the gap; the oauth 401 is passed on normalised (msg as error)', async () => {
  const c = clock();
  const wrapped = oauthAwareRequest<unknown>(() => reject401(OAUTH_401), { now: c.now, sleep: c.sleep, minGapMs: 2_000 });
  const first = (await wrapped(null, { signal, background: false }).catch((e: unknown) => e)) as { httpStatus: number; data: { error?: string } };
  expect(first.httpStatus).toBe(401);
  expect(first.data.error).toBe('approve it');
  c.advance(500);
  await wrapped(null, { signal, background: true }).catch(() => undefined);
  expect(c.sleeps).toEqual([1_500]);
});
