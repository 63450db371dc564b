/**
 * Regression (issue 14, item 1): a server whose 401s keep every stage of the flow complete while
 * `completed` changes membership (`[dummy]` / `[dummy, dummy]`, or `[dummy, x0]` / `[dummy, x1]`)
 * reset the `{session}` resubmission count each time: 1,257 requests in 2 s, and with an
 * in-memory request function a microtask loop that starved every timer. Now one `{session}`
 * resubmission is made, then `ProtocolError`, whatever `completed` does; and the chart makes at
 * most `LIMITS.maxUnattendedRequests` requests by itself (no app or user event in between)
 * before failing, so stages that submit by themselves cannot loop either.
 */
import { runUia } from '../../src/api/run-uia';
import { LIMITS } from '../../src/decisions/limits';
import type { AuthDict } from '../../src/types';

class Http401 extends Error {
  constructor(public data: unknown) {
    super('HTTP 401');
  }
  httpStatus = 401;
}

/**
 * An in-memory server (no I/O: a loop would be a pure microtask loop). It gives up answering
 * after 200 calls so that a regression fails the test instead of hanging the process.
 */
function server(answer: (auth: AuthDict | null, n: number) => unknown) {
  const calls: (AuthDict | null)[] = [];
  const request = async (auth: AuthDict | null): Promise<unknown> => {
    calls.push(auth && { ...auth });
    if (calls.length > 200) return { stormed: true };
    throw new Http401(answer(auth, calls.length));
  };
  return { calls, request };
}

const cases: [string, string[][]][] = [
  ['[dummy] / [dummy, dummy]', [['m.login.dummy'], ['m.login.dummy', 'm.login.dummy']]],
  ['[dummy, x0] / [dummy, x1]', [['m.login.dummy', 'x0'], ['m.login.dummy', 'x1']]],
];

test.each(cases)('completed alternating %s: one {session} resubmission, then ProtocolError', async (_, alternation) => {
  const s = server((auth, n) => ({
    session: 'S',
    flows: [{ stages: ['m.login.dummy'] }],
    completed: auth === null ? [] : alternation[n % 2],
  }));
  const outcome = await runUia({ request: s.request }).then(
    (v) => ({ resolved: v }),
    (e: unknown) => ({ rejected: e }),
  );
  expect(outcome).toEqual({ rejected: expect.objectContaining({ code: 'PROTOCOL' }) });
  // The first request, the dummy stage, one {session} resubmission.
  expect(s.calls).toHaveLength(3);
  expect(s.calls[2]).toEqual({ session: 'S' });
});

test('stages that submit by themselves cannot loop: the unattended-request bound ends it', async () => {
  // Neighbour of item 1: each answer names the other registration token stage type; a preset
  // token completes each newly opened stage without the user, so the flow never ends by itself.
  const types = ['m.login.registration_token', 'org.matrix.msc3231.login.registration_token'];
  const s = server((_auth, n) => ({ session: 'S', flows: [{ stages: [types[n % 2]] }], completed: [] }));
  const outcome = await runUia({ request: s.request, inputs: { registrationToken: 'tok-123' } }).then(
    (v) => ({ resolved: v }),
    (e: unknown) => ({ rejected: e }),
  );
  expect(outcome).toEqual({ rejected: expect.objectContaining({ code: 'PROTOCOL' }) });
  expect(s.calls.length).toBeLessThanOrEqual(LIMITS.maxUnattendedRequests + 2);
});

test('a user who keeps answering is not cut off by the bound', async () => {
  // Each wrong password is the user's own event: the bound counts only requests the chart makes by itself.
  let wrong = 0;
  const s = server((auth) => {
    if (auth && (auth as { password?: string }).password === 'right') return null;
    if (auth) wrong++;
    return { session: 'S', flows: [{ stages: ['m.login.password'] }], completed: [], ...(auth ? { errcode: 'M_FORBIDDEN', error: 'Wrong' } : {}) };
  });
  const request = async (auth: AuthDict | null) => {
    if (auth && (auth as { password?: string }).password === 'right') return { ok: true };
    return s.request(auth);
  };
  jest.useFakeTimers();
  try {
    const run = runUia({ request, userId: '@a:hs', handlers: { password: (p) => (p.attempt > LIMITS.maxUnattendedRequests + 3 ? 'right' : 'wrong') } });
    await jest.advanceTimersByTimeAsync(600_000);
    await expect(run).resolves.toEqual({ ok: true });
    expect(wrong).toBe(LIMITS.maxUnattendedRequests + 3);
  } finally {
    jest.useRealTimers();
  }
});
