/**
 * Properties of background polling and 429 handling, timed on Jest's fake clock.
 *
 * - Polling never sends the password: after a password stage, the email stage's polls carry
 *   only the session and `threepid_creds`.
 * - Polling backs off: between polls not following a 429, the delay never decreases and never
 *   exceeds the cap; it is never below the first interval.
 * - A 429 is waited out: the next request comes no sooner than `min(retry_after_ms, maxWaitMs)`
 *   (the default wait without a usable hint), during polling and for a submission alike, and a
 *   submission gives up with a typed `RateLimitedError` after the allowed retries instead of
 *   looping.
 */
import fc from 'fast-check';
import { RateLimitedError } from '../../src/errors/errors';
import { FuzzDriver } from '../helpers/fuzz-driver';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer, createFuzzSideFunction, type FuzzAnswer, type FuzzCall } from '../helpers/fuzz-server';

const FLOW = ['m.login.password', 'm.login.email.identity'];
const PASSWORD = 'PwD9qPollingSecret1234';

type PollAnswer = { kind: 'unchanged' } | { kind: '429'; hint: number | undefined } | { kind: '5xx' } | { kind: 'network' };

const pollAnswerArb: fc.Arbitrary<PollAnswer> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<PollAnswer>({ kind: 'unchanged' }) },
  { weight: 2, arbitrary: fc.option(fc.nat({ max: 60_000 }), { nil: undefined }).map((hint): PollAnswer => ({ kind: '429', hint })) },
  { weight: 1, arbitrary: fc.constant<PollAnswer>({ kind: '5xx' }) },
  { weight: 1, arbitrary: fc.constant<PollAnswer>({ kind: 'network' }) },
);

const configArb = fc
  .record({
    intervalMs: fc.integer({ min: 50, max: 3000 }),
    backoffFactor: fc.double({ min: 1, max: 3, noNaN: true }),
    extraCap: fc.nat({ max: 20_000 }),
    maxWaitMs: fc.integer({ min: 100, max: 30_000 }),
    defaultWaitMs: fc.integer({ min: 0, max: 5000 }),
    maxRetries: fc.nat({ max: 5 }),
  })
  .map((c) => ({
    polling: { intervalMs: c.intervalMs, backoffFactor: c.backoffFactor, maxIntervalMs: c.intervalMs + c.extraCap, giveUpAfterMs: 24 * 3600_000 },
    rateLimit: { maxWaitMs: c.maxWaitMs, defaultWaitMs: c.defaultWaitMs, maxRetries: c.maxRetries },
  }));

function challenge(completed: string[]): FuzzAnswer {
  return { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: FLOW }], params: {}, completed } };
}

function toAnswer(a: PollAnswer, completed: string[]): FuzzAnswer {
  switch (a.kind) {
    case 'unchanged':
      return challenge(completed);
    case '429':
      return { kind: 'http', status: 429, body: a.hint === undefined ? { errcode: 'M_LIMIT_EXCEEDED' } : { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: a.hint } };
    case '5xx':
      return { kind: 'http', status: 502, body: undefined };
    case 'network':
      return { kind: 'throw', value: new TypeError('fetch failed') };
  }
}

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('polling never sends the password, backs off, and waits out 429s', async () => {
  const tally = new Tally();
  const prop = fc.asyncProperty(configArb, fc.array(pollAnswerArb, { minLength: 1, maxLength: 25 }), fc.array(fc.option(fc.nat({ max: 60_000 }), { nil: undefined }), { maxLength: 3 }), async (config, pollAnswers, passwordLimits) => {
    const answered: { call: FuzzCall; answer: PollAnswer | { kind: 'fg429'; hint: number | undefined } | { kind: 'other' } }[] = [];
    let polls = 0;
    let passwordTries = 0;
    const server = createFuzzServer({
      answers: (call) => {
        const auth = call.auth as Record<string, unknown> | null;
        if (!auth || auth.type === undefined) {
          answered.push({ call, answer: { kind: 'other' } });
          return challenge([]);
        }
        if (auth.type === 'm.login.password') {
          // The password submission is rate limited a generated number of times first.
          const limit = passwordTries < passwordLimits.length ? passwordLimits[passwordTries] : null;
          passwordTries++;
          if (limit !== null) {
            answered.push({ call, answer: { kind: 'fg429', hint: limit } });
            return { kind: 'http', status: 429, body: limit === undefined ? { errcode: 'M_LIMIT_EXCEEDED' } : { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: limit } };
          }
          answered.push({ call, answer: { kind: 'other' } });
          return challenge(['m.login.password']);
        }
        const a = pollAnswers[polls++] ?? { kind: 'unchanged' };
        answered.push({ call, answer: a });
        return toAnswer(a, ['m.login.password']);
      },
      settleOnAbort: true,
    });
    const email = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
    const driver = new FuzzDriver({
      ...config,
      server,
      secrets: [PASSWORD],
      checkInspection: false,
      userId: '@alice:example.org',
      inputs: { emailAddress: 'alice@example.org' },
      requestEmailToken: email.fn,
    });
    const v = driver.violations;
    const { maxWaitMs, defaultWaitMs, maxRetries } = config.rateLimit;
    const { intervalMs, maxIntervalMs } = config.polling;
    try {
      await driver.start();
      await driver.send({ type: 'PASSWORD.SUBMIT', password: PASSWORD });
      // Timer by timer until every generated poll answer was used (and a few plain polls more).
      for (let i = 0; i < 400 && polls < pollAnswers.length + 4 && driver.actor.getSnapshot().status === 'active'; i++) {
        await driver.nextTimer();
        driver.check();
      }
      const limitedOut = passwordLimits.length > maxRetries;
      const out = driver.actor.getSnapshot().output;
      if (limitedOut) {
        if (!(out?.status === 'failed' && out.error instanceof RateLimitedError)) v.push(`expected RateLimitedError after ${maxRetries} retries, got ${out?.status}`);
        tally.add('outcomes', 'submission gave up with RateLimitedError');
      }
      let lastPlainPollDelay = -1;
      for (let i = 1; i < answered.length; i++) {
        const prev = answered[i - 1]!;
        const cur = answered[i]!;
        // Measured from the answer, since the chart's wait starts when the answer arrives.
        const gap = cur.call.at - prev.call.answeredAt;
        if (cur.call.background && cur.call.auth && JSON.stringify(cur.call.auth).includes(PASSWORD)) v.push('a poll carried the password');
        if (prev.answer.kind === '429' || prev.answer.kind === 'fg429') {
          const wait = Math.min(prev.answer.hint ?? defaultWaitMs, maxWaitMs);
          tally.add('429s waited out', prev.answer.kind === '429' ? 'during polling' : 'on a submission');
          if (gap < wait) v.push(`request ${gap} ms after a 429 asking for ${prev.answer.hint} ms (capped wait ${wait})`);
        } else if (prev.call.background && cur.call.background) {
          tally.add('polls', 'delays checked');
          if (gap < lastPlainPollDelay) v.push(`poll delay decreased: ${gap} after ${lastPlainPollDelay}`);
          if (gap > maxIntervalMs) v.push(`poll delay ${gap} above the cap ${maxIntervalMs}`);
          if (gap < intervalMs) v.push(`poll delay ${gap} below the interval ${intervalMs}`);
          lastPlainPollDelay = gap;
        }
      }
      const firstPoll = answered.find((a) => a.call.background);
      if (firstPoll && (firstPoll.call.auth as { threepid_creds?: unknown }).threepid_creds === undefined) v.push('a poll without threepid_creds');
      tally.add('requests', 'made', server.calls.length);
      tally.add('requests', 'background polls', answered.filter((a) => a.call.background).length);
      await driver.finish();
      if (v.length) throw new Error(v.join('\n'));
    } finally {
      driver.actor.stop();
      jest.clearAllTimers();
    }
  });
  await checkProperty(prop, {
    suite: 'polling-and-rate-limits',
    property: 'Polls never carry the password and back off (non-decreasing, capped); every 429 is waited out (capped) and a submission gives up with RateLimitedError after the allowed retries',
    tried: 'generated polling and rate-limit settings, poll answers (unchanged 401, 429 with or without retry_after_ms up to 60 s, 502, network fault) and 0 to 3 rate limits on the password submission',
    tally,
    scale: 0.5,
  });
}, propertyTimeout());
