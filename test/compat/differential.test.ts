/**
 * matrix-js-sdk's InteractiveAuth and matrix-uia's, run side by side on the same scripted
 * server: the same doRequest dicts, stateUpdated calls, busyChanged calls and email requests,
 * in the same order, and the same result or error. The scenarios follow matrix-js-sdk's own
 * spec/unit/interactive-auth.spec.ts. Deliberate differences (docs/migrating-from-matrix-js-sdk.md)
 * are asserted explicitly at the end, each named after its section of that page.
 */
import { InteractiveAuth } from '../../src/api/interactive-auth';
import { AbortedError, NoAuthFlowFoundError } from '../../src/errors/errors';
import { both, CLIENT_SECRET, drain, run, type Answer, type Auth } from './differential';
import { loadSdk } from './load-sdk';

const PASSWORD = 'm.login.password';
const EMAIL = 'm.login.email.identity';
const DUMMY = 'm.login.dummy';
const TERMS = 'm.login.terms';
const RECAPTCHA = 'm.login.recaptcha';

const uia = (body: Record<string, unknown>): Answer => ({ status: 401, body });
const passwordDict = (password: string) => ({ type: PASSWORD, identifier: { type: 'm.id.user', user: '@alice:example.org' }, password });

// A hang guard, not a speed budget: a run that never settles fails here. Every run is in-process
// and bounded by its steps; loading two matrix-js-sdk versions on a loaded machine takes seconds.
jest.setTimeout(60_000);

/** Polls `times` times, letting pending work run in between (an app's poll timer, without time). */
function pollSoon(a: Auth, times: number): void {
  if (times === 0) return;
  void drain().then(() => {
    void a.poll();
    pollSoon(a, times - 1);
  });
}

beforeAll(() => {
  loadSdk();
});

describe('same behaviour as matrix-js-sdk', () => {
  test('password stage from auth data, with a wrong password first', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows: [{ stages: [PASSWORD] }], params: { [PASSWORD]: { param: 'aa' } } } },
      server: (auth) =>
        (auth as { password?: string }).password === 'right'
          ? { ok: { a: 'b' } }
          : uia({ session: 'S', flows: [{ stages: [PASSWORD] }], params: {}, completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid password' }),
      onStage: (a, _stage, _status, n) => void a.submitAuthDict(passwordDict(n === 0 ? 'wrong' : 'right')),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.outcome).toEqual({ result: { a: 'b' } });
    expect(sdk.log).toEqual([
      ['stateUpdated', PASSWORD, {}],
      ['busyChanged', true],
      ['doRequest', { session: 'S', ...passwordDict('wrong') }, false],
      ['stateUpdated', PASSWORD, { errcode: 'M_FORBIDDEN', error: 'Invalid password' }],
      ['busyChanged', true],
      ['busyChanged', false],
      ['doRequest', { session: 'S', ...passwordDict('right') }, false],
      ['busyChanged', false],
    ]);
  });

  test('getters before and during the negotiation', async () => {
    const check = async (impl: 'matrix-js-sdk' | 'matrix-uia') => {
      const seen: unknown[] = [];
      const r = await run(impl, {
        options: { authData: { session: 'S', flows: [{ stages: [PASSWORD] }], params: { [PASSWORD]: { param: 'aa' } } } },
        server: () => ({ ok: {} }),
        onStage: (a) => {
          seen.push([a.getSessionId(), a.getStageParams(PASSWORD), a.getChosenFlow(), a.getClientSecret()]);
          void a.submitAuthDict({ type: PASSWORD });
        },
        drive: async () => undefined,
      });
      return { seen, log: r.log };
    };
    const before = (impl: 'matrix-js-sdk' | 'matrix-uia') => {
      const opts = {
        matrixClient: { generateClientSecret: () => CLIENT_SECRET },
        authData: { session: 'S', flows: [{ stages: [PASSWORD] }], params: { [PASSWORD]: { param: 'aa' } } },
        doRequest: async () => ({}),
        stateUpdated: () => undefined,
        requestEmailToken: async () => ({ sid: 'x' }),
      };
      const a: Auth = impl === 'matrix-js-sdk' ? new (loadSdk().InteractiveAuth)(opts) : (new InteractiveAuth(opts) as unknown as Auth);
      return [a.getSessionId(), a.getStageParams(PASSWORD), a.getChosenFlow(), a.getClientSecret(), a.getEmailSid()];
    };
    expect(before('matrix-uia')).toEqual(before('matrix-js-sdk'));
    expect(before('matrix-uia')).toEqual(['S', { param: 'aa' }, null, CLIENT_SECRET, undefined]);
    const [s, o] = [await check('matrix-js-sdk'), await check('matrix-uia')];
    expect(o).toEqual(s);
    expect(s.seen).toEqual([['S', { param: 'aa' }, { stages: [PASSWORD] }, CLIENT_SECRET]]);
  });

  test('no auth data: the first request carries null', async () => {
    const { sdk, uia: ours } = await both({
      server: (_auth, call) => (call === 0 ? uia({ session: 'S', flows: [{ stages: [PASSWORD] }], params: { [PASSWORD]: { param: 'aa' } } }) : { ok: { a: 'b' } }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log).toEqual([
      ['busyChanged', true],
      ['doRequest', null, false],
      ['stateUpdated', PASSWORD, {}],
      ['busyChanged', true],
      ['doRequest', { session: 'S', type: PASSWORD }, false],
      ['busyChanged', false],
      ['busyChanged', false],
    ]);
  });

  test('null auth data behaves as none', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: null },
      server: (_auth, call) => (call === 0 ? uia({ session: 'S', flows: [{ stages: [PASSWORD] }] }) : { ok: { a: 'b' } }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log[1]).toEqual(['doRequest', null, false]);
  });

  test('no flows: NoAuthFlowFoundError', async () => {
    const { sdk, uia: ours } = await both({
      server: () => uia({ session: 'S', flows: [], params: { [PASSWORD]: { param: 'aa' } } }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.outcome).toEqual({ error: { name: 'NoAuthFlowFoundError', message: 'No appropriate authentication flow found', required_stages: [], flows: [] } });
    expect(ours.rawError).toBeInstanceOf(NoAuthFlowFoundError);
  });

  test('no flows but a session: the first request carries {session}', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: {}, sessionId: 'S' },
      server: () => uia({ session: 'S', flows: [], params: {}, error: 'Mock Error 1', errcode: 'MOCKERR1' }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log[1]).toEqual(['doRequest', { session: 'S' }, false]);
    expect(sdk.outcome).toMatchObject({ error: { name: 'NoAuthFlowFoundError' } });
  });

  test('an error without data (HTTPError 401) rejects with that error', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S' } },
      server: () => ({ httpError: 'myerror', status: 401 }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.outcome).toEqual({ error: { name: 'Error', message: 'myerror', httpStatus: 401 } });
    expect(ours.rawError).toBeInstanceOf(loadSdk().HTTPError);
  });

  test('a non-401 MatrixError rejects with that error', async () => {
    const { sdk, uia: ours } = await both({
      server: () => ({ status: 403, body: { errcode: 'M_FORBIDDEN', error: 'no' } }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(ours.rawError).toBeInstanceOf(loadSdk().MatrixError);
  });

  test('dummy from auth data: submitted without stateUpdated', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows: [{ stages: [DUMMY] }], params: {} } },
      server: () => ({ ok: { a: 'b' } }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log).toEqual([['busyChanged', true], ['doRequest', { session: 'S', type: DUMMY }, false], ['busyChanged', false]]);
  });

  test('dummy after the first request, then password', async () => {
    const flows = [{ stages: [DUMMY, PASSWORD] }];
    const { sdk, uia: ours } = await both({
      server: (auth, call) =>
        call === 0
          ? uia({ session: 'S', flows })
          : call === 1
            ? uia({ session: 'S', flows, completed: [DUMMY] })
            : { ok: { done: (auth as { type?: string }).type } },
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log).toEqual([
      ['busyChanged', true],
      ['doRequest', null, false],
      ['busyChanged', true],
      ['doRequest', { session: 'S', type: DUMMY }, false],
      ['busyChanged', false],
      ['stateUpdated', PASSWORD, {}],
      ['busyChanged', true],
      ['busyChanged', false],
      ['doRequest', { session: 'S', type: PASSWORD }, false],
      ['busyChanged', false],
    ]);
  });

  test('errcode in the 401 reaches stateUpdated', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows: [{ stages: [PASSWORD] }], errcode: 'M_FORBIDDEN', error: 'Invalid password' } },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(sdk.log[0]).toEqual(['stateUpdated', PASSWORD, { errcode: 'M_FORBIDDEN', error: 'Invalid password' }]);
  });

  test('an errcode without error text is reported with an empty error', async () => {
    const { sdk, uia: ours } = await both({
      server: (_a, call) => (call === 0 ? uia({ session: 'S', flows: [{ stages: [PASSWORD] }], errcode: 'M_UNKNOWN' }) : { ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(sdk.log[2]).toEqual(['stateUpdated', PASSWORD, { errcode: 'M_UNKNOWN', error: '' }]);
  });

  test('email stage: the email is sent after stateUpdated, then polled until the link is clicked', async () => {
    const flows = [{ stages: [EMAIL] }];
    let clicked = false;
    const { sdk, uia: ours } = await both({
      options: { inputs: { emailAddress: 'alice@example.org' } },
      server: (auth, call) => {
        if (call === 0) return uia({ session: 'S', flows, params: {} });
        if (!clicked) return uia({ session: 'S', flows, completed: [], errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' });
        return { ok: { registered: (auth as { type?: string }).type } };
      },
      // Like Element, poll on a timer: a poll() while a request is in flight is ignored by both.
      onStage: (a, _stage, _status, n) => {
        clicked = n >= 2;
        setImmediate(() => void a.poll());
      },
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    const creds = { sid: 'sid-1', client_secret: CLIENT_SECRET };
    expect(sdk.log).toEqual([
      ['busyChanged', true],
      ['doRequest', null, false],
      ['stateUpdated', EMAIL, { emailSid: undefined }],
      ['requestEmailToken', 'alice@example.org', CLIENT_SECRET, 1, 'S'],
      // The app's first poll comes before the email's sid: it carries only the session.
      ['doRequest', { session: 'S' }, true],
      ['busyChanged', false],
      ['stateUpdated', EMAIL, { errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' }],
      ['doRequest', { session: 'S', type: EMAIL, threepid_creds: creds }, true],
      ['stateUpdated', EMAIL, { errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' }],
      ['doRequest', { session: 'S', type: EMAIL, threepid_creds: creds }, true],
    ]);
    expect(ours.auth.getEmailSid()).toBe('sid-1');
  });

  test('email stage resumed with a sid: no email sent, polls carry the sid', async () => {
    const flows = [{ stages: [EMAIL, PASSWORD] }];
    const { sdk, uia: ours } = await both({
      options: { emailSid: 'myEmailSid', authData: { session: 'S', flows, params: { [EMAIL]: { param: 'aa' } } } },
      server: (_auth, call) => (call === 0 ? uia({ session: 'S', flows, completed: [EMAIL] }) : { ok: { ok: true } }),
      onStage: (a, stage) => void (stage === EMAIL ? a.poll() : a.submitAuthDict({ type: PASSWORD })),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log).toEqual([
      ['stateUpdated', EMAIL, { emailSid: 'myEmailSid' }],
      ['doRequest', { session: 'S', type: EMAIL, threepid_creds: { sid: 'myEmailSid', client_secret: CLIENT_SECRET } }, true],
      ['stateUpdated', PASSWORD, {}],
      ['busyChanged', true],
      ['doRequest', { session: 'S', type: PASSWORD }, false],
      ['busyChanged', false],
    ]);
  });

  test('poll adds id_server when the client has an identity server', async () => {
    const flows = [{ stages: [EMAIL] }];
    const { sdk, uia: ours } = await both({
      options: {
        emailSid: 'E',
        authData: { session: 'S', flows },
        matrixClient: { generateClientSecret: () => CLIENT_SECRET, getIdentityServerUrl: () => 'https://id.example.org' },
      },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.poll(),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(sdk.log[1]).toEqual(['doRequest', { session: 'S', type: EMAIL, threepid_creds: { sid: 'E', client_secret: CLIENT_SECRET, id_server: 'id.example.org' } }, true]);
  });

  test('a failed background request neither rejects nor toggles busy', async () => {
    const flows = [{ stages: [PASSWORD] }];
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows } },
      server: (_auth, call) => (call === 0 ? { network: 'offline' } : call === 1 ? { status: 500, body: { errcode: 'M_UNKNOWN', error: 'boom' } } : { ok: { fine: true } }),
      onStage: (a, _s, _st, n) => setImmediate(() => void (n < 2 ? a.poll() : a.submitAuthDict({ type: PASSWORD }))),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.outcome).toEqual({ result: { fine: true } });
  });

  test('submitAuthDict before attemptAuth throws', async () => {
    const make = (impl: 'matrix-js-sdk' | 'matrix-uia') => {
      const opts = { matrixClient: { generateClientSecret: () => CLIENT_SECRET }, doRequest: async () => ({}), stateUpdated: () => undefined, requestEmailToken: async () => ({ sid: 'x' }) };
      return impl === 'matrix-js-sdk' ? new (loadSdk().InteractiveAuth)(opts) : (new InteractiveAuth(opts) as unknown as Auth);
    };
    await expect(make('matrix-js-sdk').submitAuthDict({ type: PASSWORD })).rejects.toThrow('submitAuthDict() called before attemptAuth()');
    await expect(make('matrix-uia').submitAuthDict({ type: PASSWORD })).rejects.toThrow('submitAuthDict() called before attemptAuth()');
  });

  test('a submit waits for the one in flight', async () => {
    const flows = [{ stages: [PASSWORD] }];
    let release!: (a: Answer) => void;
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows } },
      server: (auth, call) => {
        if (call === 0) return { held: new Promise<Answer>((r) => (release = r)) };
        return { ok: { second: (auth as { password?: string }).password } };
      },
      onStage: (a, _s, _st, n) => {
        if (n > 0) return;
        void a.submitAuthDict({ type: PASSWORD, password: 'one' });
        void a.submitAuthDict({ type: PASSWORD, password: 'two' });
        setImmediate(() => release(uia({ session: 'S', flows, errcode: 'M_FORBIDDEN', error: 'wrong' })));
      },
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.log.filter((e) => e[0] === 'doRequest').map((e) => (e[1] as { password: string }).password)).toEqual(['one', 'two']);
  });

  describe('requestEmailToken()', () => {
    test('counts attempts from 1', async () => {
      const { sdk, uia: ours } = await both({
        noAttempt: true,
        server: () => ({ ok: {} }),
        drive: async (a) => {
          for (let i = 0; i < 5; i++) await a.requestEmailToken();
        },
      });
      expect(ours.log).toEqual(sdk.log);
      expect(sdk.log.map((e) => e[3])).toEqual([1, 2, 3, 4, 5]);
    });

    test('passes errors through', async () => {
      for (const impl of ['matrix-js-sdk', 'matrix-uia'] as const) {
        let caught: unknown;
        await run(impl, {
          noAttempt: true,
          server: () => ({ ok: {} }),
          requestEmailToken: async () => {
            throw new Error('unspecific network error');
          },
          drive: async (a) => {
            await a.requestEmailToken().catch((e: unknown) => (caught = e));
          },
        });
        expect(caught).toEqual(new Error('unspecific network error'));
      }
    });

    test('starts one request at a time', async () => {
      const { sdk, uia: ours } = await both({
        noAttempt: true,
        server: () => ({ ok: {} }),
        requestEmailToken: async () => {
          await drain();
          return { sid: 'one' };
        },
        drive: async (a) => {
          await Promise.all([a.requestEmailToken(), a.requestEmailToken(), a.requestEmailToken()]);
          await a.requestEmailToken();
        },
      });
      expect(ours.log).toEqual(sdk.log);
      expect(sdk.log.map((e) => e[3])).toEqual([1, 2]);
    });

    test('stores the sid', async () => {
      const sids: unknown[] = [];
      for (const impl of ['matrix-js-sdk', 'matrix-uia'] as const) {
        await run(impl, {
          noAttempt: true,
          server: () => ({ ok: {} }),
          requestEmailToken: async () => ({ sid: 'stored-sid' }),
          drive: async (a) => {
            await a.requestEmailToken();
            sids.push(a.getEmailSid());
            a.setEmailSid('set-sid');
            sids.push(a.getEmailSid());
          },
        });
      }
      expect(sids).toEqual(['stored-sid', 'set-sid', 'stored-sid', 'set-sid']);
    });

    test('a failed email request rejects attemptAuth', async () => {
      const { sdk, uia: ours } = await both({
        options: { inputs: { emailAddress: 'taken@example.org' } },
        server: () => uia({ session: 'S', flows: [{ stages: [EMAIL] }] }),
        requestEmailToken: async () => {
          throw new (loadSdk().MatrixError)({ errcode: 'M_THREEPID_IN_USE', error: 'Email is already in use' }, 400);
        },
      });
      expect(ours.log).toEqual(sdk.log);
      expect(ours.outcome).toEqual(sdk.outcome);
      expect(sdk.outcome).toMatchObject({ error: { message: 'MatrixError: [400] Email is already in use', httpStatus: 400 } });
    });

    test('resend while the email stage is open continues the count', async () => {
      const flows = [{ stages: [EMAIL] }];
      const { sdk, uia: ours } = await both({
        options: { inputs: { emailAddress: 'alice@example.org' } },
        server: (_a, call) => (call === 0 ? uia({ session: 'S', flows }) : { ok: { done: true } }),
        onStage: (a) => {
          void a
            .requestEmailToken()
            .then(() => a.requestEmailToken())
            .then(() => a.submitAuthDict({ type: EMAIL, threepid_creds: { sid: a.getEmailSid(), client_secret: a.getClientSecret() } }));
        },
      });
      expect(ours.log).toEqual(sdk.log);
      expect(sdk.log.filter((e) => e[0] === 'requestEmailToken').map((e) => e[3])).toEqual([1, 2]);
      expect(ours.auth.getEmailSid()).toBe('sid-2');
    });
  });

  test('shorter flows first', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows: [{ stages: [RECAPTCHA, PASSWORD] }, { stages: [PASSWORD] }], params: {} } },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.auth.getChosenFlow()).toEqual({ stages: [PASSWORD] });
    expect(sdk.auth.getChosenFlow()).toEqual({ stages: [PASSWORD] });
  });

  test('flows of supported stages first', async () => {
    const { sdk, uia: ours } = await both({
      options: {
        authData: { session: 'S', flows: [{ stages: ['com.devture.shared_secret_auth'] }, { stages: [PASSWORD] }], params: {} },
        supportedStages: [PASSWORD],
      },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect(ours.log).toEqual(sdk.log);
    expect(ours.auth.getChosenFlow()).toEqual({ stages: [PASSWORD] });
  });

  test('legacy startAuthStage is called when stateUpdated is absent', async () => {
    const seen: unknown[] = [];
    for (const impl of ['matrix-js-sdk', 'matrix-uia'] as const) {
      const opts = {
        matrixClient: { generateClientSecret: () => CLIENT_SECRET },
        authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
        doRequest: async () => ({}),
        startAuthStage: (stage: string) => seen.push([impl, stage]),
        requestEmailToken: async () => ({ sid: 'x' }),
      };
      const a: Auth = impl === 'matrix-js-sdk' ? new (loadSdk().InteractiveAuth)(opts) : (new InteractiveAuth(opts) as unknown as Auth);
      void a.attemptAuth();
      await drain();
    }
    expect(seen).toEqual([
      ['matrix-js-sdk', PASSWORD],
      ['matrix-uia', PASSWORD],
    ]);
  });
});

describe('deliberate differences (docs/migrating-from-matrix-js-sdk.md)', () => {
  test('"The server\'s flow list is not reordered"', async () => {
    const flows = [{ stages: [RECAPTCHA, PASSWORD] }, { stages: [PASSWORD] }];
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows } },
      server: () => ({ ok: {} }),
      onStage: (a) => void a.submitAuthDict({ type: PASSWORD }),
    });
    expect((sdk.options.authData as { flows: unknown }).flows).toEqual([{ stages: [PASSWORD] }, { stages: [RECAPTCHA, PASSWORD] }]);
    expect((ours.options.authData as { flows: unknown }).flows).toEqual(flows);
    const error = (r: typeof sdk) => (r.outcome as unknown as { error: { flows: unknown } }).error.flows;
    const noFlow = await both({
      options: { inputs: { emailAddress: 'a@example.org' }, authData: { session: 'S', flows } },
      server: () => ({ ok: {} }),
    });
    expect(error(noFlow.sdk)).toEqual([{ stages: [PASSWORD] }, { stages: [RECAPTCHA, PASSWORD] }]);
    expect(error(noFlow.uia)).toEqual(flows);
  });

  test('"The email is sent when its stage comes" (compat.requestEmailTokenEagerly restores)', async () => {
    const flows = [{ stages: [TERMS, EMAIL] }];
    const scenario = (compat?: Record<string, unknown>) => ({
      options: { inputs: { emailAddress: 'alice@example.org' }, ...(compat ? { compat } : {}) },
      server: (_a: unknown, call: number): Answer =>
        call === 0 ? uia({ session: 'S', flows }) : call === 1 ? uia({ session: 'S', flows, completed: [TERMS] }) : { ok: {} },
      // On the email stage the app polls on a timer, as Element does (a poll while busy is ignored).
      onStage: (a: Auth, stage: string) => void (stage === TERMS ? a.submitAuthDict({ type: TERMS }) : pollSoon(a, 5)),
    });
    const { sdk, uia: ours } = await both(scenario());
    const kinds = (log: typeof sdk.log) => log.filter((e) => e[0] !== 'busyChanged').map((e) => (e[0] === 'doRequest' ? `doRequest ${(e[1] as { type?: string } | null)?.type ?? ''}` : `${e[0]} ${e[1] ?? ''}`));
    expect(kinds(sdk.log)).toEqual([
      'doRequest ',
      `stateUpdated ${TERMS}`,
      `doRequest ${TERMS}`,
      // Sent right after the first 401, while the terms stage is still open.
      'requestEmailToken alice@example.org',
      `stateUpdated ${EMAIL}`,
      `doRequest ${EMAIL}`,
    ]);
    expect(kinds(ours.log)).toEqual([
      'doRequest ',
      `stateUpdated ${TERMS}`,
      `doRequest ${TERMS}`,
      `stateUpdated ${EMAIL}`,
      'requestEmailToken alice@example.org',
      `doRequest ${EMAIL}`,
    ]);
    const eager = await run('matrix-uia', scenario({ requestEmailTokenEagerly: true }));
    expect(eager.log).toEqual(sdk.log);
  });

  test('"429 is waited out" (rateLimit: { maxRetries: 0 } restores)', async () => {
    const scenario = (rateLimit?: Record<string, unknown>) => ({
      options: { authData: { session: 'S', flows: [{ stages: [PASSWORD] }] }, ...(rateLimit ? { rateLimit } : {}) },
      server: (_a: unknown, call: number): Answer => (call === 0 ? { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 0 } } : { ok: { ok: true } }),
      onStage: (a: Auth, _s: string, _st: unknown, n: number) => void (n === 0 ? a.submitAuthDict({ type: PASSWORD }).catch(() => undefined) : undefined),
    });
    const { sdk, uia: ours } = await both(scenario());
    expect(sdk.outcome).toMatchObject({ error: { httpStatus: 429 } });
    expect(ours.outcome).toEqual({ result: { ok: true } });
    expect(ours.log.filter((e) => e[0] === 'doRequest')).toHaveLength(2);
    expect(ours.log.filter((e) => e[0] === 'busyChanged')).toEqual([['busyChanged', true], ['busyChanged', false]]);
    const old = await run('matrix-uia', scenario({ maxRetries: 0 }));
    expect(old.outcome).toEqual(sdk.outcome);
    // Including the stage announced with the 429's errcode as attemptAuth rejects (issue 14 item 11).
    expect(sdk.log).toContainEqual(['stateUpdated', PASSWORD, { errcode: 'M_LIMIT_EXCEEDED', error: '' }]);
    expect(old.log).toEqual(sdk.log);
  });

  test('"cancel() exists" and "late answers are dropped"', async () => {
    let release!: (a: Answer) => void;
    const signals: AbortSignal[] = [];
    const log: unknown[] = [];
    const ia = new InteractiveAuth<unknown>({
      authData: { session: 'S', flows: [{ stages: [PASSWORD] }] },
      doRequest: (auth, _bg, { signal }) => {
        signals.push(signal);
        log.push(['doRequest', auth]);
        return new Promise((resolve) => (release = (a) => resolve((a as { ok: unknown }).ok)));
      },
      stateUpdated: (stage) => log.push(['stateUpdated', stage]),
      busyChanged: (b) => log.push(['busyChanged', b]),
    });
    const result = ia.attemptAuth().catch((e: unknown) => e);
    void ia.submitAuthDict({ type: PASSWORD });
    await drain();
    ia.cancel();
    expect(await result).toBeInstanceOf(AbortedError);
    expect(signals[0]!.aborted).toBe(true);
    release({ ok: { late: true } });
    await drain();
    expect(log).toEqual([['stateUpdated', PASSWORD], ['busyChanged', true], ['doRequest', { type: PASSWORD, session: 'S' }], ['busyChanged', false]]);
  });

  test('"Errors reach stateUpdated, then nothing more": the stage with the error and busyChanged(false) as attemptAuth rejects', async () => {
    const { sdk, uia: ours } = await both({
      options: { authData: { session: 'S', flows: [{ stages: [PASSWORD] }] } },
      server: () => ({ network: 'connection reset' }),
      onStage: (a, _s, _st, n) => void (n === 0 ? a.submitAuthDict({ type: PASSWORD }).catch(() => undefined) : undefined),
    });
    expect(ours.outcome).toEqual(sdk.outcome);
    expect(sdk.outcome).toEqual({ error: { name: 'TypeError', message: 'connection reset' } });
    expect(ours.log).toEqual(sdk.log);
    expect(sdk.log.slice(-2)).toEqual([['stateUpdated', PASSWORD, {}], ['busyChanged', false]]);
  });
});
