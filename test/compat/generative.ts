/**
 * The generative differential harness: one generated case (a scripted server, the app's reactions
 * to each callback, the options) played through matrix-js-sdk 36.2.0, 43.0.0 and matrix-uia's
 * `InteractiveAuth` on a virtual clock, each run recorded as one ordered log of everything the
 * app sees (doRequest, stateUpdated, busyChanged, requestEmailToken, the outcome).
 *
 * The clock is a queue of tasks at virtual times: server answers, email answers and the app's
 * later reactions are tasks; after each task every pending promise callback runs (one
 * `setImmediate`) before the next, so a run is deterministic and takes no real time.
 *
 * matrix-uia runs with the options that restore matrix-js-sdk's behaviour where the difference is
 * deliberate (docs/migrating-from-matrix-js-sdk.md): `rateLimit: { maxRetries: 0 }` and
 * `compat: { requestEmailTokenEagerly: true }`. What matrix-uia deliberately does not do at all
 * (callbacks after `attemptAuth()` settled, requests overlapping) is cut from the comparison by
 * {@link comparable} and checked separately: matrix-uia makes no call after the end.
 */
import fc from 'fast-check';
import { InteractiveAuth } from '../../src/api/interactive-auth';
import { loadInteractiveAuthSdk, type InteractiveAuthSdk, type SdkVersion } from './load-sdk';

export const PASSWORD = 'm.login.password';
export const EMAIL = 'm.login.email.identity';
export const DUMMY = 'm.login.dummy';
export const TERMS = 'm.login.terms';
export const RECAPTCHA = 'm.login.recaptcha';
export const CUSTOM = 'org.example.custom';
const STAGES = [PASSWORD, EMAIL, DUMMY, TERMS, RECAPTCHA, CUSTOM] as const;

/** The client secret of every run, so email calls and poll dicts compare. */
export const SECRET = 'generativeSecret1';

/** One answer of the scripted server to a doRequest call. */
export type ServerAnswer =
  | { k: 'ok' }
  /** A UIA 401: the flows (unless `noFlows`), `completed`, maybe an errcode, maybe a new session. */
  | { k: '401'; completed: string[]; errcode?: 'M_FORBIDDEN' | 'M_UNAUTHORIZED'; newSession?: boolean; noFlows?: boolean }
  /** 401 with an empty body. */
  | { k: '401empty' }
  /** A non-UIA HTTP error, with a Matrix error body or an empty one. */
  | { k: 'http'; status: 400 | 403 | 500; empty: boolean }
  /** matrix-js-sdk's HTTPError: 401 without a parsed body. */
  | { k: 'httpError401' }
  /** No answer at all. */
  | { k: 'network' }
  /** Rate limited (matrix-uia is run with `maxRetries: 0`, as matrix-js-sdk). */
  | { k: '429' };

/** What the app does when `stateUpdated` is called. */
export type Reaction =
  | { k: 'submit'; withSession: boolean; later: boolean }
  | { k: 'background'; later: boolean }
  | { k: 'poll'; later: boolean }
  | { k: 'nothing' }
  | { k: 'throw' }
  | { k: 'submitTwice'; later: boolean }
  | { k: 'requestEmailToken'; later: boolean }
  | { k: 'setEmailSid'; later: boolean };

/** What the app calls once `attemptAuth()` has settled. */
export type AfterEnd = 'submit' | 'poll' | 'requestEmailToken' | 'nothing';

/** One generated case. */
export interface Case {
  flows: string[][];
  /** Start from a 401 in hand (`authData`), or make the first request. */
  authData: null | { completed: string[]; errcode: boolean };
  /** `sessionId` option (resume). */
  sessionId: boolean;
  email: boolean;
  emailSid: boolean;
  supportedStages: string[] | null;
  answers: { a: ServerAnswer; delay: number }[];
  reactions: Reaction[];
  /** Answers of the app's requestEmailToken, in call order (then `ok`). */
  emailAnswers: { ok: boolean; delay: number }[];
  /** The busyChanged call (0-based) that throws, if any. */
  busyThrowsAt: number | null;
  afterEnd: AfterEnd;
}

/** One entry of a run's log. */
export type Entry = (string | number | boolean | null)[];

/** What one run produced. */
export interface Run {
  log: Entry[];
  /** Index in `log` of the outcome entry (-1: never settled). */
  settledAt: number;
  /** Log length at the end of the task in which attemptAuth settled. */
  settledTaskEnd: number;
  /** Log length when the implementation settled attemptAuth's promise (before the app's handlers ran). */
  settleMark: number;
  error?: unknown;
  /** Unhandled rejections and uncaught exceptions while it ran. */
  escaped: unknown[];
  /** Log length before the task in which the chosen flow changed (matrix-uia follows the server's flow), or -1. */
  flowChangedAt: number;
  /** Index in `log` of the callback that threw (the case's throwing stateUpdated / busyChanged), or -1. */
  threwAt: number;
}

/** JSON with `undefined` kept visible, so `{emailSid: undefined}` and `{}` differ. */
export function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x === undefined) return '<undefined>';
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k] === undefined ? '<undefined>' : (x as Record<string, unknown>)[k]]));
    }
    return x;
  });
}

/** The virtual clock: tasks at virtual times, run in order with promise callbacks drained between. */
class Clock {
  private now = 0;
  private seq = 0;
  private tasks: { at: number; seq: number; fn: () => void }[] = [];
  at(delay: number, fn: () => void): void {
    this.tasks.push({ at: this.now + delay, seq: this.seq++, fn });
    this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
  /** Runs tasks until none is left (or `limit` ran); `before` / `after` are called around each. */
  async run(limit: number, after: () => void, before: () => void = () => undefined): Promise<void> {
    await drain();
    after();
    for (let i = 0; i < limit && this.tasks.length > 0; i++) {
      const t = this.tasks.shift()!;
      this.now = t.at;
      before();
      t.fn();
      await drain();
      after();
    }
  }
}

async function drain(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

/** The auth object both implementations expose. */
interface Auth {
  attemptAuth(): Promise<unknown>;
  poll(): Promise<void>;
  submitAuthDict(auth: Record<string, unknown>, background?: boolean): Promise<void>;
  getSessionId(): string | undefined;
  getClientSecret(): string;
  setEmailSid(sid: string): void;
  getEmailSid(): string | undefined;
  requestEmailToken(): Promise<void>;
}

/** A short description of a thrown value (name, message, status, NoAuthFlowFoundError fields). */
export function describeError(e: unknown): Entry {
  if (!(e instanceof Error)) return ['value', String(e)];
  const x = e as Error & { httpStatus?: number; required_stages?: unknown; flows?: unknown };
  return [x.name, x.message, typeof x.httpStatus === 'number' ? x.httpStatus : null, 'required_stages' in x ? canon([x.required_stages, x.flows]) : null];
}

export type Impl = SdkVersion | 'matrix-uia';

/** The error the app's throwing callbacks throw. */
export class AppCallbackError extends Error {
  override name = 'AppCallbackError';
}

/** Plays one case through one implementation. */
export async function play(impl: Impl, c: Case): Promise<Run> {
  const sdk: InteractiveAuthSdk = loadInteractiveAuthSdk(impl === 'matrix-uia' ? '37.5.0' : impl);
  const clock = new Clock();
  const log: Entry[] = [];
  const escaped: unknown[] = [];
  const onEscape = (e: unknown) => escaped.push(e);
  const onUnhandled = (e: unknown) => escaped.push(['unhandled', e]);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onEscape);
  // matrix-js-sdk lets a throwing busyChanged escape from promises nobody holds (attemptAuth's
  // `.finally`, an unawaited dummy or poll submit). Each such promise gets a branch that records
  // the fault, so the test runner does not fail on it; matrix-uia runs untouched.
  const originalFinally = Promise.prototype.finally;
  if (impl !== 'matrix-uia') {
    Promise.prototype.finally = function <T>(this: Promise<T>, f?: (() => void) | null) {
      const p = originalFinally.call(this, f) as Promise<T>;
      p.catch(onEscape);
      return p;
    };
  }
  let calls = 0;
  let stateCalls = 0;
  let busyCalls = 0;
  let emailCalls = 0;
  let sessionNo = 0;
  let session = 'S0';
  let auth!: Auth;
  let settled = false;
  const run: Run = { log, settledAt: -1, settledTaskEnd: -1, settleMark: -1, escaped, threwAt: -1, flowChangedAt: -1 };
  const mark = () => {
    if (run.settleMark < 0) run.settleMark = log.length;
  };

  const flowsBody = () => c.flows.map((stages) => ({ stages: [...stages] }));
  const answerOf = (a: ServerAnswer): { ok: unknown } | { error: unknown } => {
    switch (a.k) {
      case 'ok':
        return { ok: { done: calls } };
      case '401': {
        if (a.newSession) session = `S${++sessionNo}`;
        const body: Record<string, unknown> = { session, completed: [...a.completed], params: {} };
        if (!a.noFlows) body.flows = flowsBody();
        if (a.errcode) Object.assign(body, { errcode: a.errcode, error: `${a.errcode} text` });
        return { error: new sdk.MatrixError(body, 401) };
      }
      case '401empty':
        return { error: new sdk.MatrixError({}, 401) };
      case 'http':
        return { error: new sdk.MatrixError(a.empty ? {} : { errcode: 'M_UNKNOWN', error: 'This is an error' }, a.status) };
      case 'httpError401':
        return { error: new sdk.HTTPError('no body', 401) };
      case 'network':
        return { error: new TypeError('fetch failed') };
      case '429':
        return { error: new sdk.MatrixError({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 0 }, 429) };
    }
  };
  const caught = (what: string) => (e: unknown) => log.push(['rejected', what, ...describeError(e)]);
  const act = (r: Reaction, stage: string) => {
    const go = () => {
      switch (r.k) {
        case 'submit':
          // A session the app puts in the dict is also under `appSession`, to see whether it was sent.
          void auth
            .submitAuthDict(stage === DUMMY ? { type: DUMMY } : { type: stage, ...(r.withSession ? { session: auth.getSessionId(), appSession: auth.getSessionId() ?? null } : {}) })
            .catch(caught('submitAuthDict'));
          return;
        case 'submitTwice':
          void auth.submitAuthDict({ type: stage, n: 1 }).catch(caught('submitAuthDict'));
          void auth.submitAuthDict({ type: stage, n: 2 }).catch(caught('submitAuthDict'));
          return;
        case 'background':
          void auth.submitAuthDict({ type: stage }, true).catch(caught('submitAuthDict'));
          return;
        case 'poll':
          void auth.poll().catch(caught('poll'));
          return;
        case 'requestEmailToken':
          void auth.requestEmailToken().catch(caught('requestEmailToken'));
          return;
        case 'setEmailSid':
          auth.setEmailSid('app-sid');
          return;
        default:
          return;
      }
    };
    if ('later' in r && r.later) clock.at(1, go);
    else go();
  };

  const options: Record<string, unknown> = {
    matrixClient: { generateClientSecret: () => SECRET, getIdentityServerUrl: () => undefined },
    doRequest: (dict: Record<string, unknown> | null, background: boolean) => {
      log.push(['doRequest', canon(dict), background]);
      const step = c.answers[calls] ?? { a: { k: 'ok' }, delay: 1 };
      calls++;
      return new Promise((resolve, reject) => {
        clock.at(1 + step.delay, () => {
          const out = answerOf(step.a);
          if ('ok' in out) resolve(out.ok);
          else reject(out.error);
        });
      });
    },
    stateUpdated: (stage: string, status: Record<string, unknown>) => {
      log.push(['stateUpdated', stage, canon(status)]);
      const r = c.reactions[stateCalls++] ?? { k: 'nothing' };
      if (r.k === 'throw') {
        if (run.threwAt < 0) run.threwAt = log.length - 1;
        throw new AppCallbackError('stateUpdated threw');
      }
      act(r, stage);
    },
    busyChanged: (busy: boolean) => {
      log.push(['busyChanged', busy]);
      if (busyCalls++ === c.busyThrowsAt) {
        if (run.threwAt < 0) run.threwAt = log.length - 1;
        throw new AppCallbackError('busyChanged threw');
      }
    },
    requestEmailToken: (email: string | undefined, secret: string, attempt: number, s: string | undefined) => {
      log.push(['requestEmailToken', canon(email), secret, attempt, canon(s)]);
      const step = c.emailAnswers[emailCalls] ?? { ok: true, delay: 0 };
      emailCalls++;
      return new Promise((resolve, reject) => {
        clock.at(1 + step.delay, () => (step.ok ? resolve({ sid: `sid-${attempt}` }) : reject(new sdk.MatrixError({ errcode: 'M_THREEPID_IN_USE', error: 'in use' }, 400))));
      });
    },
  };
  if (c.email) options.inputs = { emailAddress: 'alice@example.org' };
  if (c.sessionId) options.sessionId = 'S0';
  if (c.emailSid) options.emailSid = 'given-sid';
  if (c.supportedStages) options.supportedStages = [...c.supportedStages];
  if (c.authData) {
    const a: Record<string, unknown> = { session: 'S0', flows: flowsBody(), params: {}, completed: [...c.authData.completed] };
    if (c.authData.errcode) Object.assign(a, { errcode: 'M_FORBIDDEN', error: 'earlier' });
    options.authData = a;
  }
  if (impl === 'matrix-uia') {
    // The options that restore matrix-js-sdk's behaviour where matrix-uia differs on purpose.
    options.rateLimit = { maxRetries: 0 };
    options.compat = { requestEmailTokenEagerly: true };
  }
  try {
    auth = impl === 'matrix-uia' ? (new InteractiveAuth(options as never) as unknown as Auth) : (new sdk.InteractiveAuth(options) as unknown as Auth);
    if (impl !== 'matrix-uia') {
      const submit = auth.submitAuthDict;
      auth.submitAuthDict = function (this: Auth, ...args: Parameters<Auth['submitAuthDict']>) {
        const p = submit.apply(this, args);
        p.catch(onEscape);
        return p;
      };
    }
    // The moment each settles its promise, before any of the app's handlers run: matrix-js-sdk's
    // deferred, matrix-uia's (private) finish().
    const inner = auth as unknown as Record<string, unknown>;
    if (impl === 'matrix-uia') {
      const finish = (inner.finish as () => void).bind(auth);
      inner.finish = () => {
        mark();
        finish();
      };
    } else {
      let deferred: { promise: Promise<unknown>; resolve(v: unknown): void; reject(e: unknown): void } | null = null;
      Object.defineProperty(inner, 'attemptAuthDeferred', {
        configurable: true,
        get: () => deferred,
        set: (d: typeof deferred) => {
          // attemptAuth() may have rejected by itself (a throw in its async body) and left this
          // deferred orphaned: matrix-js-sdk rejecting it later is an unhandled rejection there.
          d?.promise.catch(() => undefined);
          deferred = d && {
            promise: d.promise,
            resolve: (v) => (mark(), d.resolve(v)),
            reject: (e) => (mark(), d.reject(e)),
          };
        },
      });
    }
    let p: Promise<unknown>;
    try {
      p = auth.attemptAuth();
    } catch (e) {
      log.push(['attemptAuth threw', ...describeError(e)]);
      p = Promise.reject(e);
    }
    p.then(
      (result) => {
        settled = true;
        run.settledAt = log.length;
        log.push(['resolved', canon(result)]);
      },
      (e: unknown) => {
        settled = true;
        run.settledAt = log.length;
        run.error = e;
        log.push(['rejected', 'attemptAuth', ...describeError(e)]);
      },
    );
    let afterEndDone = false;
    let firstFlow: string | null = null;
    let taskStart = 0;
    const flowOf = () => {
      const f = (auth as unknown as { getChosenFlow(): unknown }).getChosenFlow();
      return f ? JSON.stringify(f) : null;
    };
    await clock.run(200, () => {
      const f = flowOf();
      if (firstFlow === null) firstFlow = f;
      else if (f !== firstFlow && run.flowChangedAt < 0) run.flowChangedAt = taskStart;
      if (settled && run.settledTaskEnd < 0) run.settledTaskEnd = log.length;
      if (settled && !afterEndDone) {
        afterEndDone = true;
        clock.at(1, () => {
          log.push(['app', `after end: ${c.afterEnd}`]);
          const stage = c.flows[0]?.[0] ?? PASSWORD;
          if (c.afterEnd === 'submit') void auth.submitAuthDict({ type: stage }).catch(caught('submitAuthDict'));
          if (c.afterEnd === 'poll') void auth.poll().catch(caught('poll'));
          if (c.afterEnd === 'requestEmailToken') void auth.requestEmailToken().catch(caught('requestEmailToken'));
        });
      }
    }, () => {
      taskStart = log.length;
    });
  } finally {
    await drain();
    Promise.prototype.finally = originalFinally;
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onEscape);
  }
  return run;
}

// --- generators ----------------------------------------------------------------------------------

const stage = fc.constantFrom(...STAGES);
const flow = fc.uniqueArray(stage, { minLength: 1, maxLength: 3 });

const answer: fc.Arbitrary<ServerAnswer> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ k: 'ok' as const }) },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        k: fc.constant('401' as const),
        completed: fc.uniqueArray(stage, { maxLength: 3 }),
        errcode: fc.constantFrom('M_FORBIDDEN' as const, 'M_UNAUTHORIZED' as const),
        newSession: fc.boolean(),
        noFlows: fc.boolean(),
      },
      { requiredKeys: ['k', 'completed'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ k: '401empty' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('http' as const), status: fc.constantFrom(400 as const, 403 as const, 500 as const), empty: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ k: 'httpError401' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'network' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: '429' as const }) },
);

const later = fc.boolean();
const reaction: fc.Arbitrary<Reaction> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant('submit' as const), withSession: fc.boolean(), later }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('background' as const), later }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('poll' as const), later }) },
  { weight: 2, arbitrary: fc.constant({ k: 'nothing' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'throw' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('submitTwice' as const), later }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('requestEmailToken' as const), later }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('setEmailSid' as const), later }) },
);

/** Generated cases. */
export const caseArb: fc.Arbitrary<Case> = fc.record({
  flows: fc.array(flow, { minLength: 1, maxLength: 3 }),
  authData: fc.option(fc.record({ completed: fc.uniqueArray(stage, { maxLength: 2 }), errcode: fc.boolean() }), { freq: 2 }),
  sessionId: fc.boolean(),
  email: fc.boolean(),
  emailSid: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  supportedStages: fc.option(fc.uniqueArray(stage, { maxLength: 4 }), { freq: 3 }),
  answers: fc.array(fc.record({ a: answer, delay: fc.nat(2) }), { maxLength: 6 }),
  reactions: fc.array(reaction, { maxLength: 6 }),
  emailAnswers: fc.array(fc.record({ ok: fc.boolean(), delay: fc.nat(3) }), { maxLength: 3 }),
  busyThrowsAt: fc.option(fc.nat(4), { freq: 8 }),
  afterEnd: fc.constantFrom<AfterEnd>('submit', 'poll', 'requestEmailToken', 'nothing'),
});

/**
 * The part of a log both implementations must agree on: everything before attemptAuth settled;
 * then, in the same task, the stage told with the error and busyChanged(false) (matrix-uia's
 * last calls), up to the first new submission matrix-js-sdk makes after the end (a queued
 * submit, a dummy stage), which matrix-uia does not make ("No callbacks after the end").
 */
export function comparable(r: Run): Entry[] {
  if (r.settledTaskEnd < 0) return r.log;
  const at = endOf(r);
  const out = r.log.slice(0, at);
  for (const e of r.log.slice(at, r.settledTaskEnd)) {
    if (e[0] === 'doRequest') break;
    // busyChanged after the end is checked apart (matrix-js-sdk's false may wait for an email).
    if (e[0] === 'stateUpdated') out.push(e);
  }
  // The outcome last: its place among same-task callbacks depends on promise hops only.
  const outcome = r.log[r.settledAt];
  if (outcome) out.push(outcome[0] === 'rejected' ? normaliseFlows(outcome) : outcome);
  return out;
}

/** NoAuthFlowFoundError's flows in one order (matrix-js-sdk sorts the server's list in place: "The server's flow list is not reordered"). */
function normaliseFlows(e: Entry): Entry {
  const x = e[e.length - 1];
  if (typeof x !== 'string') return e;
  const [req, flows] = JSON.parse(x) as [unknown, unknown[]];
  return [...e.slice(0, -1), canon([req, flows.map((f) => JSON.stringify(f)).sort()])];
}

/**
 * Where two runs stop being comparable, as a log length: at the callback the case made throw
 * (before the end; after it matrix-uia calls nothing), and at matrix-uia's
 * `stateUpdated('m.login.dummy')` (a refused dummy: "Smaller differences" in the migration doc).
 */
/** Where a run settled: its mark or its outcome entry, whichever came first (Infinity: never). */
export function endOf(r: Run): number {
  return Math.min(...[r.settleMark, r.settledAt].filter((i) => i >= 0), Infinity);
}

export function cutAt(sdk: Run, uia: Run, c: Case): number {
  let cut = Infinity;
  for (const r of [sdk, uia]) {
    const end = endOf(r);
    if (r.threwAt >= 0 && r.threwAt < end) cut = Math.min(cut, r.threwAt + 1);
  }
  const requests = uia.log.map((e, i) => [e, i] as const).filter(([e]) => e[0] === 'doRequest');
  // The server completed stages of another flow: matrix-uia follows it, matrix-js-sdk keeps its first choice.
  if (uia.flowChangedAt >= 0) cut = Math.min(cut, uia.flowChangedAt);
  // ... or found none it could follow (e.g. the app's setEmailSid made email flows the only acceptable ones).
  const uiaOutcome = uia.log[uia.settledAt];
  if (uiaOutcome?.[2] === 'NoAuthFlowFoundError' && sdk.log[sdk.settledAt]?.[2] !== 'NoAuthFlowFoundError') cut = Math.min(cut, endOf(uia));
  // A 401 without flows and then another (or a 401 {}): matrix-js-sdk has forgotten the flows
  // and rejects; matrix-uia keeps them ("A 401 without flows keeps the flows" in the migration doc).
  const flowless = c.answers.findIndex((s) => s.a.k === '401' && s.a.noFlows);
  const empty = c.answers.findIndex((s, i) => i > flowless && (s.a.k === '401empty' || (s.a.k === '401' && s.a.noFlows)));
  if (flowless >= 0 && empty > flowless) {
    const nth = uia.log.map((e, i) => [e, i] as const).filter(([e]) => e[0] === 'doRequest')[empty];
    if (nth) cut = Math.min(cut, nth[1] + 1);
  }
  // A dummy stage reached by an answer: matrix-uia submits it at once; matrix-js-sdk first ends
  // the answered request (a submission's busyChanged(false), an email that answer sent).
  const chained = requests.find(([e], n) => n > 0 && String(e[1]).includes(`"type":"${DUMMY}"`));
  if (chained) {
    const i = chained[1];
    cut = Math.min(cut, uia.log[i - 1]?.[0] === 'busyChanged' && uia.log[i - 1]?.[1] === true ? i - 1 : i);
  }
  // A session in the app's dict that is no longer the current one: matrix-uia sends the current
  // session, matrix-js-sdk the app's ("Smaller differences").
  const stale = requests.find(([e]) => {
    const d = JSON.parse(String(e[1])) as { session?: unknown; appSession?: unknown } | null;
    return d !== null && 'appSession' in d && d.appSession !== '<undefined>' && d.appSession !== d.session;
  });
  if (stale) cut = Math.min(cut, stale[1]);
  // matrix-js-sdk's "No incomplete flows from the server": matrix-uia sends {session} first (above),
  // possibly only as far as its busyChanged(true).
  const outcome = sdk.log[sdk.settledAt];
  if (outcome && outcome[3] === 'No incomplete flows from the server') cut = Math.min(cut, endOf(sdk));
  const dummy = uia.log.findIndex((e) => e[0] === 'stateUpdated' && e[1] === DUMMY);
  if (dummy >= 0) cut = Math.min(cut, dummy);
  // Every stage complete and still a 401: matrix-uia sends {session} once more ("Smaller differences").
  const final = requests.find(([e], n) => (n > 0 || c.authData) && e[2] === false && /^\{"session":"[^"]*"\}$/.test(String(e[1])));
  if (final) {
    const i = final[1];
    const before = uia.log[i - 1];
    cut = Math.min(cut, before && before[0] === 'busyChanged' && before[1] === true ? i - 1 : i);
  }
  return cut;
}

/** The logs split at each stateUpdated / outcome, for a readable first difference. */
export function segments(log: Entry[]): Entry[][] {
  const out: Entry[][] = [[]];
  for (const e of log) {
    if (e[0] === 'stateUpdated' || e[0] === 'resolved' || (e[0] === 'rejected' && e[1] === 'attemptAuth')) out.push([]);
    out[out.length - 1]!.push(e);
  }
  return out;
}

/** The first segment where two logs differ, or null. */
export function firstDifference(a: Entry[], b: Entry[]): { index: number; a: Entry[]; b: Entry[] } | null {
  const sa = segments(a);
  const sb = segments(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    if (canon(sa[i] ?? null) !== canon(sb[i] ?? null)) return { index: i, a: sa[i] ?? [], b: sb[i] ?? [] };
  }
  return null;
}
