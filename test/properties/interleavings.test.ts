/**
 * Property: any interleaving of user events, server answers, network faults and timer firings
 * leaves the chart consistent, and once it ends (cancel, done, failed) it is inert.
 *
 * The server answers by hand here: a generated schedule decides when the oldest outstanding
 * request is answered (and with what), when a request the chart abandoned gets its late answer
 * (from a transport that ignored the abort signal), when the user acts (submits, double submits,
 * resend, poll, fallback done, cancel) and when the clock moves. Checked after every step: the
 * shared driver invariants; that a late answer to an abandoned request changes nothing; and
 * that after the chart ends no request is made and no timer remains.
 */
import fc from 'fast-check';
import { answerArb, answerKind, PLAUSIBLE_PARAMS, REAL_FLOWS, secretsArb, userActionArb, type UserAction } from '../helpers/fuzz-arbitraries';
import { captureConsole, FuzzDriver, stateName } from '../helpers/fuzz-driver';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer, createFuzzSideFunction, type FuzzAnswer } from '../helpers/fuzz-server';

type Step =
  | { kind: 'user'; action: UserAction }
  | { kind: 'answer'; answer: FuzzAnswer }
  /** A cooperative answer: the open stage accepted (or success once the flow is complete). */
  | { kind: 'progress' }
  | { kind: 'late'; answer: FuzzAnswer };

const stepArb = (secrets: fc.Arbitrary<UserAction>): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 4, arbitrary: secrets.map((action): Step => ({ kind: 'user', action })) },
    { weight: 3, arbitrary: answerArb.map((answer): Step => ({ kind: 'answer', answer })) },
    { weight: 3, arbitrary: fc.constant<Step>({ kind: 'progress' }) },
    { weight: 1, arbitrary: answerArb.map((answer): Step => ({ kind: 'late', answer })) },
  );

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('interleaved user events, answers, faults and timers: consistent, and inert once ended', async () => {
  const tally = new Tally();
  const prop = fc.asyncProperty(
    fc.subarray(REAL_FLOWS.filter((f) => !f.includes('m.login.msisdn')), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    secretsArb.chain((secrets) => fc.tuple(fc.constant(secrets), fc.array(stepArb(userActionArb(secrets)), { minLength: 4, maxLength: 40, size: 'medium' }))),
    async (flows, emailWanted, [secrets, steps]) => {
      // An email address only when an email flow is offered, else the flow choice fails at once.
      const withEmail = emailWanted && flows.some((f) => f.includes('m.login.email.identity'));
      const first: FuzzAnswer = { kind: 'http', status: 401, body: { session: 'S1', flows: flows.map((stages) => ({ stages })), params: PLAUSIBLE_PARAMS } };
      const server = createFuzzServer({ answers: () => ({ kind: 'hang' }), delays: 'manual' });
      const side = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
      const consoleLines = captureConsole();
      const driver = new FuzzDriver({
        server,
        secrets: [secrets.password, secrets.captcha, secrets.code, secrets.token],
        checkInspection: false,
        userId: '@alice:example.org',
        homeserverUrl: 'https://hs.example.org',
        inputs: withEmail ? { emailAddress: 'alice@example.org' } : {},
        requestEmailToken: side.fn,
        requestMsisdnToken: side.fn,
        submitMsisdnToken: async () => true,
        polling: { intervalMs: 100, maxIntervalMs: 800, giveUpAfterMs: 30_000 },
        rateLimit: { maxWaitMs: 1000, defaultWaitMs: 100, maxRetries: 3 },
      });
      let endedAt: { calls: number; state: string } | null = null;
      try {
        await driver.start();
        server.pending()[0]?.settle(first);
        await driver.flush();
        driver.check();
        if (driver.actor.getSnapshot().status !== 'active') endedAt = { calls: server.calls.length, state: stateName(driver.actor.getSnapshot().value) };
        for (const step of steps) {
          if (step.kind === 'user') {
            await driver.act(step.action, secrets);
            tally.add('steps', step.action.kind === 'advance' ? 'timer firings (clock moves)' : step.action.kind === 'event' && step.action.twice ? 'double user events' : 'user events');
          } else if (step.kind === 'answer') {
            const call = server.pending()[0];
            if (call) {
              call.settle(step.answer);
              tally.add('answers given', answerKind(step.answer));
            }
            await driver.flush();
          } else if (step.kind === 'progress') {
            const call = server.pending()[0];
            if (call) {
              const ctx = driver.actor.getSnapshot().context;
              const completed = ctx.stage && call.auth && !call.background ? [...new Set([...ctx.completed, ctx.stage])] : ctx.completed;
              const flow = ctx.chosenFlow?.stages ?? [];
              const finished = flow.length > 0 && flow.every((st) => completed.includes(st));
              call.settle(finished ? { kind: 'ok', body: { user_id: '@alice:example.org' } } : { kind: 'http', status: 401, body: { session: 'S1', flows: flows.map((stages) => ({ stages })), params: PLAUSIBLE_PARAMS, completed } });
              tally.add('answers given', finished ? '2xx (flow complete)' : '401 progress');
            }
            await driver.flush();
          } else {
            const call = server.abandoned()[0];
            if (call) {
              const before = JSON.stringify(driver.actor.getPersistedSnapshot());
              call.settle(step.answer);
              await driver.flush();
              tally.add('races', 'late answers to abandoned requests');
              if (JSON.stringify(driver.actor.getPersistedSnapshot()) !== before) driver.violations.push('a late answer to an abandoned request changed the chart');
            }
          }
          driver.check();
          const s = driver.actor.getSnapshot();
          if (s.status !== 'active' && !endedAt) {
            endedAt = { calls: server.calls.length, state: stateName(s.value) };
            // The chart just ended: nothing may be left scheduled.
            const timers = jest.getTimerCount();
            if (timers !== 0) driver.violations.push(`${timers} timers left when the chart reached ${endedAt.state}`);
          }
        }
        if (endedAt && server.calls.length !== endedAt.calls) driver.violations.push(`${server.calls.length - endedAt.calls} requests after the chart reached ${endedAt.state}`);
        const ended = await driver.finish();
        for (const line of consoleLines.lines) driver.leak('console', line);
        tally.add('runs ended in', endedAt ? endedAt.state : `${ended} (by the final CANCEL)`);
        tally.add('races', 'requests abandoned by the chart', server.calls.filter((c) => c.aborted).length);
        for (const st of driver.statesSeen) tally.add('states visited (runs)', st);
        if (driver.violations.length) throw new Error(driver.violations.join('\n'));
      } finally {
        consoleLines.restore();
        driver.actor.stop();
        jest.clearAllTimers();
      }
    },
  );
  await checkProperty(prop, {
    suite: 'interleavings',
    property: 'After cancel/done/failed no request is made and no timer remains; a late answer to an abandoned request changes nothing; invariants hold throughout',
    tried: 'generated schedules of user events (submits, double submits, resend, poll, pause/resume, fallback done, choose flow, cancel), hand-timed server answers and network faults, late answers to abandoned requests, and clock moves, over 1 to 3 flows real servers offer',
    tally,
  });
  // A hang guard, not a speed budget: the runs are bounded by count (fast-check), and a loaded
  // 2-core machine (CI beside a second `npm test`) took over 20 s.
}, propertyTimeout());
