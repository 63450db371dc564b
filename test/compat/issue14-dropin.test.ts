/**
 * Regressions of issue 14 for the drop-in `InteractiveAuth` (items 4, 6, 11–15): each test is
 * named after its item and fails without its fix. Where matrix-js-sdk defines the behaviour, the
 * same case runs through matrix-js-sdk 37.5.0 (differential.ts) and, for items 11–14, 36.2.0 and
 * 43.0.0 too (the generative harness), and the logs must be equal.
 */
import { CallbackError } from '../../src/errors/callback-error';
import { resolveFlow } from '../../src/decisions/choose-flow';
import { InvalidOptionsError, NoAuthFlowFoundError } from '../../src/errors/errors';
import { InteractiveAuth, type IInteractiveAuthOpts } from '../../src/api/interactive-auth';
import { both, drain, run, type Answer } from './differential';
import { canon, comparable, play, type Case } from './generative';
import { loadSdk } from './load-sdk';

const PASSWORD = 'm.login.password';
const EMAIL = 'm.login.email.identity';
const DUMMY = 'm.login.dummy';
const RECAPTCHA = 'm.login.recaptcha';
const uia = (body: Record<string, unknown>): Answer => ({ status: 401, body });

// A hang guard, not a speed budget (runs are in-process and bounded by their steps).
jest.setTimeout(60_000);

beforeAll(() => {
  loadSdk();
});

/** Unhandled rejections and uncaught exceptions while `fn` runs (jest's own handlers aside). */
async function escapes(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onErr = (e: unknown) => seen.push(e);
  process.on('unhandledRejection', onErr);
  process.on('uncaughtException', onErr);
  try {
    await fn();
    await drain();
  } finally {
    process.off('unhandledRejection', onErr);
    process.off('uncaughtException', onErr);
  }
  return seen;
}

/** The same case through matrix-js-sdk 36.2.0, 43.0.0 and matrix-uia (generative harness). */
async function threeWay(c: Partial<Case>): Promise<{ sdk: ReturnType<typeof comparable>; ours: ReturnType<typeof comparable> }> {
  const full: Case = {
    flows: [[PASSWORD]],
    authData: null,
    sessionId: false,
    email: false,
    emailSid: false,
    supportedStages: null,
    answers: [],
    reactions: [],
    emailAnswers: [],
    busyThrowsAt: null,
    afterEnd: 'nothing',
    ...c,
  };
  const [a, b, o] = [await play('36.2.0', full), await play('43.0.0', full), await play('matrix-uia', full)];
  expect(canon(comparable(b))).toBe(canon(comparable(a)));
  return { sdk: comparable(a), ours: comparable(o) };
}

function ia(opts: Partial<IInteractiveAuthOpts<unknown>> & Pick<IInteractiveAuthOpts<unknown>, 'doRequest'>): InteractiveAuth<unknown> {
  return new InteractiveAuth<unknown>({ matrixClient: { generateClientSecret: () => 'secret' }, ...opts });
}

describe('issue 14 item 4: app callbacks that throw are isolated', () => {
  test('item 4: stateUpdated throwing (auth data in hand) rejects attemptAuth with CallbackError("stateUpdated"), nothing escapes', async () => {
    const boom = new Error('render failed');
    let result: unknown;
    const calls: string[] = [];
    const escaped = await escapes(async () => {
      const a = ia({
        authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
        doRequest: async () => (calls.push('doRequest'), {}),
        stateUpdated: () => {
          calls.push('stateUpdated');
          throw boom;
        },
        busyChanged: (b) => calls.push(`busy ${b}`),
      });
      result = await a.attemptAuth().catch((e: unknown) => e);
    });
    expect(escaped).toEqual([]);
    expect(result).toBeInstanceOf(CallbackError);
    expect((result as CallbackError).callback).toBe('stateUpdated');
    expect((result as CallbackError).code).toBe('CALLBACK');
    expect((result as CallbackError).cause).toBe(boom);
    expect(calls).toEqual(['stateUpdated']);
  });

  test('item 4: stateUpdated throwing after an answer (inside the microtask) rejects, does not crash', async () => {
    let result: unknown;
    const escaped = await escapes(async () => {
      const a = ia({
        doRequest: async () => {
          throw new (loadSdk().MatrixError)({ session: 'S', flows: [{ stages: [PASSWORD] }] }, 401);
        },
        stateUpdated: () => {
          throw new Error('render failed');
        },
      });
      result = await a.attemptAuth().catch((e: unknown) => e);
    });
    expect(escaped).toEqual([]);
    expect(result).toMatchObject({ name: 'CallbackError', callback: 'stateUpdated' });
  });

  test('item 4: the legacy startAuthStage throwing is named as such', async () => {
    const a = ia({
      authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
      doRequest: async () => ({}),
      startAuthStage: () => {
        throw new Error('legacy');
      },
    });
    await expect(a.attemptAuth()).rejects.toMatchObject({ name: 'CallbackError', callback: 'startAuthStage' });
  });

  test('item 4: busyChanged throwing on its first call: attemptAuth rejects (no synchronous throw), nothing is sent, the instance is not wedged', async () => {
    const sent: unknown[] = [];
    const a = ia({
      doRequest: async (auth) => (sent.push(auth), {}),
      busyChanged: (b) => {
        if (b) throw new Error('spinner');
      },
    });
    let p!: Promise<unknown>;
    expect(() => (p = a.attemptAuth())).not.toThrow();
    await expect(p).rejects.toMatchObject({ name: 'CallbackError', callback: 'busyChanged' });
    expect(sent).toEqual([]);
    // Ended, not wedged: later calls settle at once.
    await expect(a.attemptAuth()).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(a.submitAuthDict({ type: PASSWORD })).resolves.toBeUndefined();
    await expect(a.poll()).resolves.toBeUndefined();
    expect(a.getActor().getSnapshot().status).not.toBe('active');
  });

  test('item 4: busyChanged throwing on false ends the negotiation with CallbackError, no unhandled rejection', async () => {
    let result: unknown;
    const escaped = await escapes(async () => {
      const a = ia({
        doRequest: async () => {
          throw new (loadSdk().MatrixError)({ session: 'S', flows: [{ stages: [PASSWORD] }] }, 401);
        },
        stateUpdated: () => undefined,
        busyChanged: (b) => {
          if (!b) throw new Error('spinner');
        },
      });
      result = await a.attemptAuth().catch((e: unknown) => e);
    });
    expect(escaped).toEqual([]);
    expect(result).toMatchObject({ name: 'CallbackError', callback: 'busyChanged' });
  });

  test('item 4: a doRequest rejection whose property access throws (Proxy, throwing data getter) ends with CallbackError("doRequest")', async () => {
    const hostile = [
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
      Object.defineProperty({ httpStatus: 401 }, 'data', {
        get() {
          throw new Error('getter');
        },
      }),
    ];
    for (const value of hostile) {
      let result: unknown;
      const escaped = await escapes(async () => {
        const a = ia({ authData: { session: 'S', flows: [{ stages: [PASSWORD] }] }, doRequest: () => Promise.reject(value), stateUpdated: () => undefined });
        const p = a.attemptAuth().catch((e: unknown) => e);
        void a.submitAuthDict({ type: PASSWORD });
        result = await p;
      });
      expect(escaped).toEqual([]);
      expect(result).toBeInstanceOf(CallbackError);
      expect((result as CallbackError).callback).toBe('doRequest');
      expect((result as CallbackError).cause).toBe(value);
    }
  });
});

describe('issue 14 item 6: never send to a stopped actor', () => {
  test('item 6: submitAuthDict twice in one tick after the end sends nothing to the stopped chart', async () => {
    const a = ia({ authData: { session: 'S', flows: [{ stages: [PASSWORD] }] }, doRequest: async () => ({ ok: true }), stateUpdated: () => undefined });
    const actor = a.getActor();
    const toStopped: unknown[] = [];
    const send = actor.send.bind(actor);
    actor.send = (event) => {
      if (actor.getSnapshot().status !== 'active') toStopped.push(event);
      send(event);
    };
    const result = a.attemptAuth();
    void a.submitAuthDict({ type: PASSWORD, password: 'one' });
    void a.submitAuthDict({ type: PASSWORD, password: 'two' });
    await expect(result).resolves.toEqual({ ok: true });
    await drain();
    void a.submitAuthDict({ type: PASSWORD, password: 'three' });
    void a.submitAuthDict({ type: PASSWORD, password: 'four' });
    a.setEmailSid('late');
    void a.requestEmailToken().catch(() => undefined);
    a.cancel();
    await drain();
    expect(toStopped).toEqual([]);
    // The getters still answer after the end.
    expect(a.getEmailSid()).toBe('late');
  });
});

describe('issue 14 item 11: non-UIA submission errors reach stateUpdated', () => {
  test('item 11: 403 M_UNKNOWN "This is an error": stateUpdated(stage, {errcode, error}) and the rejection, as matrix-js-sdk 36 and 43', async () => {
    const { sdk, ours } = await threeWay({ authData: { completed: [], errcode: false }, answers: [{ a: { k: 'http', status: 403, empty: false }, delay: 0 }], reactions: [{ k: 'submit', withSession: false, later: false }] });
    expect(ours).toEqual(sdk);
    expect(sdk).toContainEqual(['stateUpdated', PASSWORD, canon({ errcode: 'M_UNKNOWN', error: 'This is an error' })]);
  });

  test('item 11: an empty 500 and a network error: the stage told again (with the last known status), then the rejection', async () => {
    for (const a of [{ k: 'http', status: 500, empty: true } as const, { k: 'network' } as const]) {
      const { sdk, ours } = await threeWay({ authData: { completed: [], errcode: true }, answers: [{ a, delay: 0 }], reactions: [{ k: 'submit', withSession: false, later: false }] });
      expect(ours).toEqual(sdk);
      expect(ours.filter((e) => e[0] === 'stateUpdated')).toHaveLength(2);
    }
  });
});

describe('issue 14 item 12: the email stage status', () => {
  test('item 12 (held before; kept as a check): stateUpdated(email, {emailSid}) carries the sid once the token request answered; the key is there (undefined) before', async () => {
    const statuses: Record<string, unknown>[] = [];
    const flows = [{ stages: [EMAIL] }];
    let calls = 0;
    const a = ia({
      inputs: { emailAddress: 'alice@example.org' },
      doRequest: async () => {
        calls++;
        throw new (loadSdk().MatrixError)({ session: 'S', flows, completed: [] }, 401);
      },
      requestEmailToken: async () => ({ sid: 'sid-1' }),
      stateUpdated: (_stage, status) => {
        statuses.push({ ...status });
        if (statuses.length === 1) setImmediate(() => void a.poll());
      },
    });
    void a.attemptAuth().catch(() => undefined);
    for (let i = 0; i < 5 && statuses.length < 2; i++) await drain();
    expect(calls).toBe(2);
    expect(statuses[0]).toStrictEqual({ emailSid: undefined });
    expect(Object.keys(statuses[0]!)).toEqual(['emailSid']);
    expect(statuses[1]).toStrictEqual({ emailSid: 'sid-1' });
    a.cancel();
  });

  test('item 12: setEmailSid inside stateUpdated for the email stage stops the automatic email request (as matrix-js-sdk)', async () => {
    const { sdk, uia: ours } = await both({
      options: { inputs: { emailAddress: 'alice@example.org' } },
      server: (_a, call) => (call === 0 ? uia({ session: 'S', flows: [{ stages: [EMAIL] }] }) : { ok: { done: true } }),
      onStage: (a, stage, _s, n) => {
        if (stage === EMAIL && n === 0) {
          a.setEmailSid('app-sent-it');
          setImmediate(() => void a.poll());
        }
      },
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.log.filter((e) => e[0] === 'requestEmailToken')).toEqual([]);
    expect(ours.log).toContainEqual(['doRequest', { session: 'S', type: EMAIL, threepid_creds: { sid: 'app-sent-it', client_secret: 'differentialSecret1' } }, true]);
  });

  test('item 12: a resend after a session change carries the new session to requestEmailToken', async () => {
    const { sdk, uia: ours } = await both({
      options: { inputs: { emailAddress: 'alice@example.org' } },
      server: (_a, call) =>
        call === 0 ? uia({ session: 'S1', flows: [{ stages: [EMAIL] }] }) : call === 1 ? uia({ session: 'S2', flows: [{ stages: [EMAIL] }], errcode: 'M_UNAUTHORIZED', error: 'not yet' }) : { ok: {} },
      onStage: (a, _stage, _s, n) => {
        if (n === 0) setImmediate(() => void a.poll());
        if (n === 1) void a.requestEmailToken().then(() => a.submitAuthDict({ type: EMAIL }));
      },
    });
    expect(ours.log).toEqual(sdk.log);
    const emails = ours.log.filter((e) => e[0] === 'requestEmailToken');
    expect(emails.map((e) => [e[3], e[4]])).toEqual([
      [1, 'S1'],
      [2, 'S2'],
    ]);
  });

  test('item 12: an email answered after its stage closed still counts: its sid is kept, no second attempt 1 (found by the generative run)', async () => {
    const { sdk, ours } = await threeWay({
      flows: [['m.login.terms'], [PASSWORD, 'org.example.custom', RECAPTCHA], [PASSWORD, EMAIL, 'm.login.terms']],
      authData: { completed: [PASSWORD], errcode: false },
      email: true,
      supportedStages: [],
      answers: [
        { a: { k: '401', completed: ['org.example.custom', 'm.login.terms'], errcode: 'M_UNAUTHORIZED', noFlows: true }, delay: 2 },
        { a: { k: '401', completed: [], errcode: 'M_UNAUTHORIZED' }, delay: 2 },
        { a: { k: '401', completed: [] }, delay: 1 },
      ],
      reactions: [
        { k: 'background', later: false },
        { k: 'submit', withSession: false, later: true },
        { k: 'submit', withSession: false, later: false },
      ],
    });
    expect(ours).toEqual(sdk);
    expect(ours.filter((e) => e[0] === 'requestEmailToken').map((e) => e[3])).toEqual([1]);
  });

  test('item 12: without inputs.emailAddress the requestEmailToken callback gets undefined (not null), as matrix-js-sdk 36 and 43', async () => {
    const { sdk, ours } = await threeWay({
      flows: [[EMAIL, PASSWORD]],
      authData: { completed: [], errcode: false },
      emailSid: true,
      reactions: [{ k: 'requestEmailToken', later: false }],
    });
    expect(ours).toEqual(sdk);
    const email = ours.find((e) => e[0] === 'requestEmailToken')!;
    expect(email[1]).toBe(canon(undefined));
  });
});

describe('issue 14 item 13: a first 401 without flows', () => {
  test('item 13: first answer 401 {}: NoAuthFlowFoundError (empty flows), as matrix-js-sdk', async () => {
    const { sdk, uia: ours } = await both({ server: () => uia({}) });
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(ours.rawError).toBeInstanceOf(NoAuthFlowFoundError);
    expect(sdk.outcome).toEqual({ error: { name: 'NoAuthFlowFoundError', message: 'No appropriate authentication flow found', required_stages: [], flows: [] } });
  });

  test('item 13: M_UNAUTHORIZED without flows to a resumed session: NoAuthFlowFoundError', async () => {
    const { sdk, uia: ours } = await both({ options: { sessionId: 'S', inputs: { emailAddress: 'a@example.org' } }, server: () => uia({ errcode: 'M_UNAUTHORIZED', error: 'no' }) });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(ours.rawError).toBeInstanceOf(NoAuthFlowFoundError);
  });

  test('item 13: a token error (M_UNKNOWN_TOKEN) stays itself (the listed difference)', async () => {
    const r = await run('matrix-uia', { server: () => uia({ errcode: 'M_UNKNOWN_TOKEN', error: 'gone' }) });
    expect(r.outcome).toMatchObject({ error: { httpStatus: 401 } });
    expect(r.rawError).not.toBeInstanceOf(NoAuthFlowFoundError);
  });
});

describe('issue 14 item 14: flow choice with completed stages', () => {
  test('item 14: flows [[email], [recaptcha, dummy, email]] with dummy completed, email given: the email flow, as matrix-js-sdk', async () => {
    const { sdk, uia: ours } = await both({
      // compat: matrix-js-sdk's email timing (none sent from authData), so the logs compare whole.
      options: {
        inputs: { emailAddress: 'alice@example.org' },
        authData: { session: 'S', flows: [{ stages: [EMAIL] }, { stages: [RECAPTCHA, DUMMY, EMAIL] }], completed: [DUMMY] },
        compat: { requestEmailTokenEagerly: true },
      },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: EMAIL }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.log[0]).toEqual(['stateUpdated', EMAIL, { emailSid: undefined }]);
    expect(ours.auth.getChosenFlow()).toEqual({ stages: [EMAIL] });
  });

  test('item 14: resolveFlow — the first choice ignores completed; a re-choice follows the flow the server followed', () => {
    const flows = [{ stages: [EMAIL] }, { stages: [RECAPTCHA, DUMMY, EMAIL] }];
    const c = { inputs: { emailAddress: 'a@b.c' } };
    expect(resolveFlow(flows, c, [DUMMY], null)).toBe(flows[0]);
    const other = [{ stages: ['a', 'b'] }, { stages: ['c', 'd'] }];
    expect(resolveFlow(other, {}, ['c'], other[0]!)).toBe(other[1]);
  });
});

describe('issue 14 item 15: busyChanged semantics', () => {
  test('item 15: during a 429 wait busy stays true until the retry is answered', async () => {
    const log: string[] = [];
    let calls = 0;
    const a = ia({
      authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
      rateLimit: { defaultWaitMs: 0, maxWaitMs: 0 },
      doRequest: async () => {
        const n = ++calls;
        log.push(`doRequest ${n}`);
        await drain();
        log.push(`answered ${n}`);
        if (n === 1) throw new (loadSdk().MatrixError)({ errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 0 }, 429);
        return { ok: true };
      },
      stateUpdated: () => void a.submitAuthDict({ type: PASSWORD }),
      busyChanged: (b) => log.push(`busy ${b}`),
    });
    await expect(a.attemptAuth()).resolves.toEqual({ ok: true });
    await drain();
    expect(log).toEqual(['busy true', 'doRequest 1', 'answered 1', 'doRequest 2', 'answered 2', 'busy false']);
  });

  test('item 15: a submit queued as attemptAuth settles: no busyChanged after the end', async () => {
    const log: string[] = [];
    const a = ia({
      authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
      doRequest: async () => {
        await drain();
        return { ok: true };
      },
      stateUpdated: () => undefined,
      busyChanged: (b) => log.push(`busy ${b}`),
    });
    const result = a.attemptAuth().then(() => log.push('settled'));
    void a.submitAuthDict({ type: PASSWORD, n: 1 });
    void a.submitAuthDict({ type: PASSWORD, n: 2 });
    await result;
    for (let i = 0; i < 5; i++) await drain();
    expect(log.slice(log.indexOf('settled'))).toEqual(['settled']);
    expect(log.filter((e) => e !== 'settled').at(-1)).toBe('busy false');
  });

  test('item 15: a submit answered before the email-token request answers: busyChanged(false) when it is answered, as matrix-js-sdk', async () => {
    const flows = [{ stages: [EMAIL] }];
    const play15 = async (Impl: new (o: never) => { attemptAuth(): Promise<unknown>; submitAuthDict(d: object): Promise<void> }) => {
      const log: string[] = [];
      let releaseEmail!: () => void;
      const held = new Promise<void>((r) => (releaseEmail = r));
      let calls = 0;
      let stages = 0;
      const opts = {
        matrixClient: { generateClientSecret: () => 'secret' },
        inputs: { emailAddress: 'alice@example.org' },
        doRequest: async () => {
          const n = calls++;
          log.push(`doRequest ${n}`);
          await drain();
          if (n === 0) throw new (loadSdk().MatrixError)({ session: 'S', flows }, 401);
          if (n === 1) throw new (loadSdk().MatrixError)({ session: 'S', flows, errcode: 'M_UNAUTHORIZED', error: 'not yet' }, 401);
          return { done: true };
        },
        requestEmailToken: async () => {
          log.push('email sent');
          await held;
          log.push('email answered');
          return { sid: 'sid-1' };
        },
        stateUpdated: (_stage: string, status: { errcode?: string }) => {
          log.push(`stateUpdated ${status.errcode ?? ''}`);
          // The user submits while the email is on its way (held until long after that answer).
          if (stages++ === 0) setImmediate(() => void a.submitAuthDict({ type: EMAIL }));
          else
            void drain()
              .then(drain)
              .then(() => {
                log.push('release email');
                releaseEmail();
                void a.submitAuthDict({ type: EMAIL });
              });
        },
        busyChanged: (b: boolean) => log.push(`busy ${b}`),
      };
      const a = new Impl(opts as never);
      await a.attemptAuth();
      return log;
    };
    const sdk = await play15(loadSdk().InteractiveAuth as never);
    const ours = await play15(InteractiveAuth as never);
    expect(ours).toEqual(sdk);
    // The submission's busyChanged(false) comes with its answer, long before the email answers.
    const answered = ours.indexOf('stateUpdated M_UNAUTHORIZED');
    expect(ours[answered + 1]).toBe('busy false');
    expect(ours.indexOf('email answered')).toBeGreaterThan(answered + 1);
  });
});
