/**
 * Property: whatever a homeserver answers, the chart neither crashes, nor hangs, nor loses the
 * user's place, and never has two requests in flight.
 *
 * The real chart (createUiaActor) runs under fake timers against a generated answer sequence —
 * any status, JSON or not, 401 bodies with missing, wrong-typed, huge or unknown fields, flows of
 * unknown stages, a session that changes mid-flow, completed lists out of order, thrown non-Error
 * values, answers that never come — with generated answer delays and a generated sequence of
 * user actions and clock moves in between. The shared invariants of the fuzz driver are checked
 * after every step; the run always ends (bounded steps, storm detection).
 */
import fc from 'fast-check';
import { answerArb, answerKind, PLAUSIBLE_PARAMS, REAL_FLOWS, secretsArb, userActionArb } from '../helpers/fuzz-arbitraries';
import { captureConsole, FuzzDriver, watchUnhandledRejections } from '../helpers/fuzz-driver';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer, createFuzzSideFunction, type FuzzAnswer } from '../helpers/fuzz-server';
import type { RequestTokenResponse } from '../../src/types';

const tokenAnswer = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'ok' as const, body: { sid: 'sid1', submit_url: 'https://hs.example.org/submit' } as RequestTokenResponse }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }).map((body) => ({ kind: 'ok' as const, body: body as RequestTokenResponse })) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }).map((value) => ({ kind: 'throw' as const, value })) },
);

const configArb = fc.record({
  inputs: fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constant({ emailAddress: 'alice@example.org' }) },
    { weight: 1, arbitrary: fc.constant({ phoneCountry: 'GB', phoneNumber: '7700900123' }) },
    { weight: 1, arbitrary: fc.constant({ registrationToken: 'TkN7zPresetToken123' }) },
  ),
  userId: fc.option(fc.constant('@alice:example.org'), { nil: undefined }),
  homeserverUrl: fc.option(fc.constant('https://hs.example.org'), { nil: undefined, freq: 5 }),
  sessionId: fc.option(fc.constant('S1'), { nil: undefined }),
  supportedStages: fc.option(fc.constant<string[]>(['m.login.password', 'm.login.recaptcha', 'm.login.terms']), { nil: undefined }),
});

let rejections: ReturnType<typeof watchUnhandledRejections>;
beforeAll(() => {
  rejections = watchUnhandledRejections();
  jest.useFakeTimers();
});
afterAll(() => {
  jest.useRealTimers();
  rejections.stop();
});

test('arbitrary server answers never crash, hang or stall the chart, and never overlap requests', async () => {
  const tally = new Tally();
  const prop = fc.asyncProperty(
    // Mostly a plausible first challenge, so the chart gets past its first request and the
    // hostile answers hit every state, not just `requesting`.
    fc
      .tuple(
        fc.option(
          fc.subarray(REAL_FLOWS.filter((f) => !f.some((st) => st.includes('email') || st.includes('msisdn'))), { minLength: 1, maxLength: 3 }),
          { freq: 4, nil: null },
        ),
        fc.array(answerArb, { minLength: 1, maxLength: 12, size: 'medium' }),
      )
      .map(([flows, rest]): FuzzAnswer[] => (flows ? [{ kind: 'http', status: 401, body: { session: 'S1', flows: flows.map((stages) => ({ stages })), params: PLAUSIBLE_PARAMS } }, ...rest] : rest)),
    fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 2500 })), { maxLength: 12 }),
    fc.array(tokenAnswer, { maxLength: 4 }),
    configArb,
    secretsArb.chain((secrets) => fc.tuple(fc.constant(secrets), fc.array(userActionArb(secrets), { maxLength: 25, size: 'medium' }))),
    async (answers, delays, tokenAnswers, config, [secrets, actions]) => {
      const server = createFuzzServer({ answers, delays });
      const side = createFuzzSideFunction((i) => tokenAnswers[i] ?? { kind: 'hang' });
      const consoleLines = captureConsole();
      const driver = new FuzzDriver({
        ...config,
        server,
        secrets: [secrets.password, secrets.captcha, secrets.code],
        checkInspection: false,
        requestEmailToken: side.fn,
        requestMsisdnToken: side.fn,
        submitMsisdnToken: async () => true,
        checkRegistrationToken: async (token) => token.length % 2 === 0,
        polling: { intervalMs: 100, maxIntervalMs: 1000, giveUpAfterMs: 20_000 },
        rateLimit: { maxWaitMs: 2000, defaultWaitMs: 200, maxRetries: 3 },
      });
      try {
        await driver.start();
        driver.check();
        for (const a of actions) {
          await driver.act(a, secrets);
          driver.check();
        }
        const ended = await driver.finish();
        for (const line of consoleLines.lines) driver.leak('console', line);
        if (rejections.seen.length) driver.violations.push(`unhandled rejection: ${String(rejections.seen[0])}`);
        for (const a of answers) tally.add('answers generated', answerKind(a));
        tally.add('runs ended in', ended);
        const out = driver.actor.getSnapshot().output;
        if (out && out.status === 'failed') tally.add('typed errors at the end', out.error.name);
        tally.add('user actions', 'sent', actions.length);
        tally.add('requests', 'made', server.calls.length);
        for (const st of driver.statesSeen) tally.add('states visited (runs)', st);
        if (driver.violations.length) throw new Error(driver.violations.join('\n'));
      } finally {
        consoleLines.restore();
        driver.actor.stop();
        jest.clearAllTimers();
        rejections.seen.length = 0;
      }
    },
  );
  await checkProperty(prop, {
    suite: 'hostile-answers',
    property: 'No exception escapes, the chart is always in a defined state, at most one request is in flight, every run ends',
    tried: 'generated answer sequences (any status, non-JSON, malformed/oversize/unknown-field 401s, unknown stages, session changes, unordered completed, 429s with hostile hints, thrown non-Error values, silent servers) with random delays, interleaved with random user actions and clock moves',
    tally,
    scale: 1,
  });
}, propertyTimeout());
