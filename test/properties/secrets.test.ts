/**
 * Property: credentials go where they belong and nowhere else.
 *
 * A cooperative (but unreliable) server walks generated flows made of every stage that takes a
 * secret — password, captcha, registration token, SMS code — plus email and terms, refusing,
 * rate-limiting or dropping submissions at random. The user answers each stage with distinctive
 * generated secrets, and also sends random events. Checked:
 *
 * - the password is only ever sent inside an `m.login.password` auth dict of a foreground
 *   request to the endpoint being authorised: never in a background poll, never to the email or
 *   SMS token functions, never to the code or token checkers;
 * - no password, registration token, captcha response, SMS code or returned access token appears
 *   in any persisted snapshot (JSON), any sanitized inspection event (JSON, cycles tolerated), any
 *   error message, or any console line.
 */
import fc from 'fast-check';
import { secretArb, secretsArb, userActionArb, type UserAction } from '../helpers/fuzz-arbitraries';
import { captureConsole, FuzzDriver } from '../helpers/fuzz-driver';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer, createFuzzSideFunction, type FuzzAnswer, type FuzzCall } from '../helpers/fuzz-server';

const SECRET_STAGES = ['m.login.password', 'm.login.recaptcha', 'm.login.registration_token', 'm.login.msisdn', 'm.login.email.identity', 'm.login.terms'];

/** What the server does with a submission of the stage it expects. */
const verdictArb = fc.constantFrom('accept', 'accept', 'accept', 'refuse', '429', 'network', '500');

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('secrets are sent only where they belong and never observable elsewhere', async () => {
  const tally = new Tally();
  const prop = fc.asyncProperty(
    fc.shuffledSubarray(SECRET_STAGES, { minLength: 1 }),
    fc.array(verdictArb, { minLength: 1, maxLength: 20 }),
    fc.nat({ max: 4 }),
    secretArb('AcT5k'),
    secretsArb.chain((secrets) =>
      fc.tuple(
        fc.constant(secrets),
        fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant<UserAction>({ kind: 'answerStage', twice: false }) }, { weight: 2, arbitrary: userActionArb(secrets) }), {
          minLength: 5,
          maxLength: 30,
        }),
      ),
    ),
    async (flow, verdicts, pollsBeforeClick, accessToken, [secrets, actions]) => {
      const completed: string[] = [];
      let verdictIndex = 0;
      let emailPolls = 0;
      const challenge = (extra: Record<string, unknown> = {}): FuzzAnswer => ({
        kind: 'http',
        status: 401,
        body: { session: 'S1', flows: [{ stages: flow }], params: { 'm.login.terms': { policies: { p: { version: '1', en: { name: 'P', url: 'https://example.org/p' } } } } }, completed: [...completed], ...extra },
      });
      const next = () => flow.find((st) => !completed.includes(st));
      const complete = (stage: string): FuzzAnswer => {
        completed.push(stage);
        return next() === undefined ? { kind: 'ok', body: { user_id: '@alice:example.org', access_token: accessToken } } : challenge();
      };
      const answer = (call: FuzzCall): FuzzAnswer => {
        const auth = call.auth as Record<string, unknown> | null;
        const expected = next();
        if (!auth || !auth.type || !expected) return challenge();
        if (auth.type === 'm.login.email.identity' && expected === auth.type) {
          // The link is clicked after some polls; until then the creds are "not validated yet".
          if (call.background && emailPolls++ < pollsBeforeClick) return challenge();
          if (!call.background && emailPolls < pollsBeforeClick) return challenge({ errcode: 'M_UNAUTHORIZED', error: 'not validated' });
          return complete(expected);
        }
        if (auth.type !== expected) return challenge({ errcode: 'M_UNAUTHORIZED', error: 'wrong stage' });
        const verdict = verdicts[verdictIndex++ % verdicts.length]!;
        tally.add('server verdicts on submissions', verdict);
        switch (verdict) {
          case 'refuse':
            return challenge({ errcode: 'M_FORBIDDEN', error: 'Invalid credentials' });
          case '429':
            return { kind: 'http', status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 500 } };
          case 'network':
            return { kind: 'throw', value: new TypeError('fetch failed') };
          case '500':
            return { kind: 'http', status: 500, body: { errcode: 'M_UNKNOWN', error: 'oops' } };
          default:
            return complete(expected);
        }
      };
      const server = createFuzzServer({ answers: answer, settleOnAbort: true });
      const emailFn = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'email-sid' } }));
      const smsFn = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sms-sid', msisdn: '447700900123' } }));
      const sideArgs: string[] = [];
      const consoleLines = captureConsole();
      const driver = new FuzzDriver({
        server,
        secrets: [secrets.password, secrets.token, secrets.captcha, secrets.code, accessToken],
        userId: '@alice:example.org',
        homeserverUrl: 'https://hs.example.org',
        inputs: {
          ...(flow.includes('m.login.email.identity') ? { emailAddress: 'alice@example.org' } : {}),
          ...(flow.includes('m.login.msisdn') ? { phoneCountry: 'GB', phoneNumber: '7700900123' } : {}),
        },
        requestEmailToken: emailFn.fn,
        requestMsisdnToken: smsFn.fn,
        submitMsisdnToken: async (req) => {
          const { signal, token, ...rest } = req;
          void signal;
          sideArgs.push(JSON.stringify(rest));
          return token === secrets.code;
        },
        checkRegistrationToken: async (token) => {
          sideArgs.push(token === secrets.token ? '' : token);
          return true;
        },
        polling: { intervalMs: 100, maxIntervalMs: 400 },
        rateLimit: { maxWaitMs: 1000, maxRetries: 2 },
      });
      try {
        await driver.start();
        driver.check();
        for (const a of actions) {
          await driver.act(a, secrets);
          await driver.advance(150);
          driver.check();
        }
        await driver.finish();
        for (const c of server.calls) {
          const text = JSON.stringify(c.auth);
          if (!text.includes(secrets.password)) continue;
          tally.add('password sightings', c.background ? 'in a background poll' : 'in a foreground m.login.password dict');
          const auth = c.auth as Record<string, unknown>;
          if (c.background) driver.violations.push('password sent in a background poll');
          if (auth.type !== 'm.login.password' || auth.password !== secrets.password || text.split(secrets.password).length !== 2) {
            driver.violations.push(`password sent outside its m.login.password dict: ${text}`);
          }
        }
        for (const args of [...emailFn.calls.map((c) => c.args), ...smsFn.calls.map((c) => c.args), ...sideArgs]) {
          driver.leak('a token/code side function', args);
        }
        for (const line of consoleLines.lines) driver.leak('console', line);
        tally.add('observations checked', 'inspection events', driver.inspection.length);
        tally.add('observations checked', 'requests', server.calls.length);
        tally.add('observations checked', 'console lines', consoleLines.lines.length);
        tally.add('runs ended in', driver.actor.getSnapshot().output?.status ?? 'active');
        for (const st of flow) tally.add('stages in generated flows', st);
        if (driver.violations.length) throw new Error(driver.violations.join('\n'));
      } finally {
        consoleLines.restore();
        driver.actor.stop();
        jest.clearAllTimers();
      }
    },
  );
  await checkProperty(prop, {
    suite: 'secrets',
    property: 'The password only travels in an m.login.password dict of a foreground request; no secret in snapshots, inspection events, errors or logs',
    tried: 'generated flows over every secret-bearing stage, distinctive generated password/token/captcha/code/access token, a server refusing, rate-limiting, dropping or failing submissions at random, email links clicked after random polls, plus random user events',
    tally,
    scale: 0.5,
  });
}, propertyTimeout());
