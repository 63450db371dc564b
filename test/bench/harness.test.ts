/**
 * Correctness of the benchmark harness itself (no timing here): the in-process endpoint answers
 * like Synapse, the virtual clock runs timers in order, the schedule arithmetic is right, and
 * matrix-uia's request counts in the scenarios are what the tables claim.
 *
 * matrix-js-sdk is ESM-only and cannot load under this CommonJS jest setup; its side of the
 * tables is exercised by `npm run bench` itself.
 */
jest.mock('matrix-js-sdk/lib/http-api/errors.js', () => ({
  // The real MatrixError is ESM-only; the endpoint only needs its shape here.
  MatrixError: class MatrixError extends Error {
    constructor(
      public data: Record<string, unknown>,
      public httpStatus: number,
    ) {
      super(String(data.error ?? `HTTP ${httpStatus}`));
    }
  },
}));

import { runWithMatrixUia } from '../../bench/run-matrix-uia';
import { EMAIL_SID, PASSWORD, SCENARIOS, scenario } from '../../bench/scenarios';
import { createUiaEndpoint } from '../../bench/uia-endpoint';
import { delayFromSchedule, delayStats } from '../../bench/poll-schedule';
import { VirtualClock } from '../../bench/virtual-clock';
import { markdownTable } from '../../bench/table';

async function rejection(p: Promise<unknown>): Promise<{ httpStatus: number; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { httpStatus: number; data: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('uia endpoint', () => {
  test('answers a first request with a fresh session and no `completed`, as Synapse does', async () => {
    const e = createUiaEndpoint({ flows: [['m.login.password']], password: PASSWORD });
    const err = await rejection(e.request(null));
    expect(err.httpStatus).toBe(401);
    expect(err.data).toEqual({ session: expect.any(String), flows: [{ stages: ['m.login.password'] }], params: {} });
  });

  test('refuses a wrong password with M_FORBIDDEN and accepts the right one', async () => {
    const e = createUiaEndpoint({ flows: [['m.login.password']], password: PASSWORD });
    const session = (await rejection(e.request(null))).data.session;
    const wrong = await rejection(e.request({ type: 'm.login.password', password: 'nope', session }));
    expect(wrong.data).toMatchObject({ session, completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid username or password' });
    await expect(e.request({ type: 'm.login.password', password: PASSWORD, session })).resolves.toEqual({});
    expect(e.counts.requests).toBe(3);
  });

  test('answers an email check "not yet" with M_UNAUTHORIZED until the link is clicked', async () => {
    const e = createUiaEndpoint({ flows: [['m.login.email.identity']], emailSid: EMAIL_SID, emailValidatedAfterChecks: 1000 });
    const session = (await rejection(e.request(null))).data.session;
    const creds = { type: 'm.login.email.identity', threepid_creds: { sid: EMAIL_SID, client_secret: 's' }, session };
    expect((await rejection(e.request(creds))).data).toMatchObject({ errcode: 'M_UNAUTHORIZED', completed: [] });
    e.clickEmailLink();
    await expect(e.request(creds)).resolves.toEqual({});
    expect(e.counts.emailChecks).toBe(2);
  });

  test('rejects an unknown session with 400, and resumes a preset one', async () => {
    const e = createUiaEndpoint({ flows: [['m.login.terms', 'm.login.dummy']], presetSession: { id: 'R', completed: ['m.login.terms'] } });
    expect((await rejection(e.request({ session: 'nope' }))).httpStatus).toBe(400);
    expect((await rejection(e.request({ session: 'R' }))).data).toMatchObject({ session: 'R', completed: ['m.login.terms'] });
    await expect(e.request({ type: 'm.login.dummy', session: 'R' })).resolves.toEqual({});
  });
});

describe('matrix-uia in the scenarios', () => {
  test.each(SCENARIOS.filter((s) => s.id !== 'email').map((s) => [s.id, s] as const))('%s: sends exactly the spec minimum', async (_id, s) => {
    const e = createUiaEndpoint(s.endpoint);
    await runWithMatrixUia(s, e);
    expect(e.counts.requests).toBe(s.minimum);
  });

  test('email: the minimum plus one request per refused poll, one requestToken', async () => {
    const s = scenario('email');
    const e = createUiaEndpoint(s.endpoint);
    await runWithMatrixUia(s, e);
    expect(e.counts).toEqual({ requests: s.minimum + s.polls, emailChecks: s.polls + 1, emailTokenRequests: 1 });
  });
});

describe('virtual clock', () => {
  test('runs due timers in time order, then scheduling order, and skips cleared ones', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    const gone = clock.setTimeout(() => seen.push('never'), 15);
    clock.clearTimeout(gone);
    clock.setTimeout(() => seen.push('late'), 100);
    await clock.runUntil(50);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(50);
    expect(clock.nextDue()).toBe(100);
  });

  test('lets promise callbacks started by a timer settle before the next timer', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => Promise.resolve()).then(() => seen.push('settled')), 1);
    clock.setTimeout(() => seen.push('next'), 2);
    await clock.runUntil(5);
    expect(seen).toEqual(['settled', 'next']);
  });
});

describe('schedule arithmetic', () => {
  test('the delay to notice is the wait for the next check', () => {
    expect(delayFromSchedule([2000, 5000], 3000)).toBe(2000);
    expect(delayFromSchedule([2000, 5000], 5000)).toBe(0);
    expect(delayFromSchedule([2000], 3000)).toBeNull();
  });

  test('mean and worst delay over a uniform click: a fixed interval gives half and all of it', () => {
    const checks = Array.from({ length: 10 }, (_, i) => (i + 1) * 1000);
    expect(delayStats(checks, 0, 10_000)).toEqual({ mean: 500, max: 1000 });
  });
});

describe('markdown table', () => {
  test('right-aligns numeric columns', () => {
    expect(markdownTable(['a', 'n'], [['x', 1], ['yy', 22]])).toBe('| a  |  n |\n| -- | -: |\n| x  |  1 |\n| yy | 22 |');
  });
});

describe('createUiaActor shares one machine (the CPU and memory fix)', () => {
  test('concurrent actors each call their own functions', async () => {
    const s = scenario('password');
    const a = createUiaEndpoint(s.endpoint);
    const b = createUiaEndpoint(s.endpoint);
    await Promise.all([runWithMatrixUia(s, a), runWithMatrixUia(s, b), runWithMatrixUia(s, a)]);
    expect([a.counts.requests, b.counts.requests]).toEqual([4, 2]);
  });
});
