/**
 * `InteractiveAuth`: matrix-js-sdk's class of the same name, with matrix-uia's chart underneath.
 *
 * Apps written against matrix-js-sdk's `InteractiveAuth` change one import and keep their code:
 * the options, methods and callbacks are the same, and so is the order in which the callbacks
 * fire. The negotiation itself (flow choice, next stage, session merging, dummy submission,
 * 429 waits, dropping late answers) is the parent chart's: the class owns one chart actor and
 * translates — `attemptAuth()` is `START`, `submitAuthDict()` is `SUBMIT_AUTH`, `poll()` is a
 * background `SUBMIT_AUTH`, and each settled snapshot becomes `stateUpdated` / `busyChanged`
 * calls and, at the end, the promise's result or error.
 *
 * Where matrix-uia deliberately behaves better than matrix-js-sdk, docs/migrating-from-matrix-js-sdk.md
 * lists the difference and the option (under `compat` or `rateLimit`) that restores the old way.
 */
import { createActor } from 'xstate';
import type { EmailTokenActorInput } from '../actors/email-token.actor';
import { isHttpErrorLike } from '../actors/request.actor';
import { AuthType } from '../auth-type';
import type { UiaActor } from './create-uia-machine';
import { CallbackError } from '../errors/callback-error';
import { generateClientSecret } from '../secrets/client-secret';
import { requiredStages } from '../decisions/choose-flow';
import { AbortedError, InvalidOptionsError, NoAuthFlowFoundError } from '../errors/errors';
import { bindUiaFunctions } from '../actors/bound-functions';
import { interactiveAuthMachine } from '../matrix-js-sdk/compat-machine';
import { classifyResponse } from '../decisions/parse-auth-response';
import { selectResult, type UiaSnapshot } from './selectors';
import type { AuthChallenge, AuthDict, IAuthData, RateLimitOptions, RequestEmailTokenFn, RequestTokenResponse, UIAFlow, UiaInputs, UiaRequestFn } from '../types';

/** What `stateUpdated` is told about the stage (matrix-js-sdk's `IStageStatus`). */
export interface IStageStatus {
  /** `m.login.email.identity` only: the sid of the validation email sent, if any. */
  emailSid?: string;
  /** The server's complaint about the last attempt (`""` when it gave only `error`). */
  errcode?: string;
  /** The server's text for it (`""` when it gave only `errcode`). */
  error?: string;
}

/** The part of a matrix-js-sdk `MatrixClient` the class uses; every method is optional. */
export interface InteractiveAuthClient {
  /** Makes the client secret when the options give none. */
  generateClientSecret?(): string;
  /** When set, `poll()` adds its host as `id_server` to the email's `threepid_creds`. */
  getIdentityServerUrl?(stripProto?: boolean): string | null | undefined;
}

/** Options that bring back a matrix-js-sdk behaviour matrix-uia changed on purpose. */
export interface InteractiveAuthCompat {
  /**
   * matrix-js-sdk's timing of the validation email: sent after each answer while a flow
   * containing `m.login.email.identity` is chosen and no sid is known (so after the first 401,
   * before a captcha or terms stage is passed), and not when starting from `authData` (there the
   * app's `requestEmailToken()` or the next answer sends it). Default `false`: the email is sent
   * when the email stage opens.
   */
  requestEmailTokenEagerly?: boolean;
}

/** Options of {@link InteractiveAuth}: matrix-js-sdk's, plus `rateLimit` and `compat`. */
export interface IInteractiveAuthOpts<T> {
  /** Optional here: only `generateClientSecret()` and `getIdentityServerUrl()` are used. */
  matrixClient?: InteractiveAuthClient;
  /** The 401 body already in hand. Without flows in it, a first request is made (with `{session}` when one is known). */
  authData?: IAuthData;
  /** Email / phone the user gave: they decide which flows are acceptable. */
  inputs?: UiaInputs;
  /** Resume this UIA session. */
  sessionId?: string;
  /** Resume with this client secret (default: `matrixClient.generateClientSecret()` or a fresh one). */
  clientSecret?: string;
  /** Resume an email stage whose email was already sent. */
  emailSid?: string;
  /** Stage types the app has UI for; flows with others score 10 worse per stage. */
  supportedStages?: string[];
  /**
   * Makes the request being authorised with `auth` in its body. `background` is true for
   * `poll()` and background submits. Reject with an error that has `httpStatus` and `data`
   * (matrix-js-sdk's `MatrixError` does) for HTTP errors. `options.signal` (matrix-uia only) is
   * aborted when the answer is no longer wanted (`cancel()`).
   */
  doRequest(auth: AuthDict | null, background: boolean, options: { signal: AbortSignal }): Promise<T>;
  /** Called with the stage to show after each answer that did not end the negotiation. */
  stateUpdated?(nextStage: string, status: IStageStatus): void;
  /** Legacy name of `stateUpdated`, used when that is absent. */
  startAuthStage?(nextStage: string, status: IStageStatus): unknown;
  /** Sends the validation email; resolves with its `sid`. A failure rejects `attemptAuth`. */
  requestEmailToken?(email: string, secret: string, attempt: number, session: string): Promise<{ sid: string }>;
  /** Told when a foreground request starts (`true`) and when it has been handled (`false`). */
  busyChanged?(busy: boolean): void;
  /** How 429 answers are waited out (matrix-uia only). `{ maxRetries: 0 }` fails at once, as matrix-js-sdk did. */
  rateLimit?: RateLimitOptions;
  /** matrix-js-sdk behaviours to restore (matrix-uia only). */
  compat?: InteractiveAuthCompat;
}

const NO_COMPAT: InteractiveAuthCompat = Object.freeze({});

/** One request's end, as the class needs it once the chart has handled it. */
interface Completion {
  background: boolean;
  /** The error `doRequest` threw, untouched (`undefined` on success). */
  error?: unknown;
  failed: boolean;
}

/**
 * An email token request in flight; `manual` when `requestEmailToken()` owns it (its failure
 * then rejects that call only). `gate` holds an automatic one until the app was told the stage.
 */
interface EmailTokenFlight {
  promise: Promise<RequestTokenResponse>;
  manual: boolean;
  gate: Deferred<void> | null;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function defer<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * `doRequest`'s rejection value, or a {@link CallbackError} when reading it throws (a Proxy, a
 * throwing `data` getter): every later look at the error (here and in the chart) is then safe.
 */
function readable(error: unknown): unknown {
  try {
    if (isHttpErrorLike(error)) {
      const e = error as { data?: unknown; retryAfterMs?: unknown };
      void e.data;
      void e.retryAfterMs;
    }
    return error;
  } catch {
    return new CallbackError('doRequest', error, 'rejected with a value that cannot be read');
  }
}

/** The two fields of a body that stateUpdated reports (the rest of the body is not kept; nothing when neither is there). */
function statusOf(body: { errcode?: unknown; error?: unknown }): { errcode?: unknown; error?: unknown } | null {
  return body.errcode === undefined && body.error === undefined ? null : { errcode: body.errcode, error: body.error };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a state value is in the top-level state `name` (atomic or compound): what
 * `snapshot.matches(name)` answers, without its parsing of `name` on every snapshot.
 */
function inState(value: unknown, name: string): boolean {
  return value === name || (typeof value === 'object' && value !== null && name in value);
}

/** A rejection value turned into a promise, so a callback that throws synchronously still rejects. */
function call<R>(fn: () => R | Promise<R>): Promise<R> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The members of {@link InteractiveAuth} its helpers below call (private to apps). */
interface InstanceInternals<T> {
  request(auth: AuthDict | null, background: boolean, signal: AbortSignal): Promise<T>;
  emailTokenForStage(input: EmailTokenActorInput): Promise<RequestTokenResponse>;
  schedule(): void;
}

/**
 * One instance's link to its chart, both ways: its functions, as the chart's actors look them up
 * (`bindUiaFunctions`), and the chart's observer. Getters on the prototype, each making its
 * function when an actor runs: an open dialog holds this one small object, not an object and a
 * closure per function (and a second object to observe the chart) for its whole life.
 */
class InstanceLink<T> {
  readonly #ia: InstanceInternals<T>;

  constructor(ia: InteractiveAuth<T>) {
    this.#ia = ia as unknown as InstanceInternals<T>;
  }

  get request(): UiaRequestFn<T> {
    const ia = this.#ia;
    return (auth, { signal, background }) => ia.request(auth, background, signal);
  }

  get requestEmailToken(): RequestEmailTokenFn {
    const ia = this.#ia;
    return ((input: EmailTokenActorInput) => ia.emailTokenForStage(input)) as unknown as RequestEmailTokenFn;
  }

  /** A chart snapshot: its processing is scheduled. */
  next(): void {
    this.#ia.schedule();
  }

  /** The chart failed: processing it is scheduled too (it settles the negotiation). */
  error(): void {
    this.#ia.schedule();
  }
}

/**
 * Drives User-Interactive Authentication with matrix-js-sdk's API, on matrix-uia's chart.
 *
 * Call {@link InteractiveAuth.attemptAuth} to begin; show the stage `stateUpdated` names and
 * send what the user gives with {@link InteractiveAuth.submitAuthDict}.
 *
 * @typeParam T - the endpoint's success body
 */
export class InteractiveAuth<T> {
  private readonly opts: IInteractiveAuthOpts<T>;
  private readonly actor: UiaActor;

  /**
   * attemptAuth's promise (null before the call and after the end) and its settle functions, as
   * three fields rather than one `defer()` object: one object fewer per open dialog.
   */
  private result: Promise<T> | null = null;
  private resolveResult: ((value: T) => void) | null = null;
  private rejectResult: ((error: unknown) => void) | null = null;
  private finished = false;
  /** Requests the chart started / that answered / whose answers were turned into callbacks. */
  private started = 0;
  private completed = 0;
  private handled = 0;
  private lastCompletion: Completion | null = null;
  // Both lists are `null` when empty: an instance waiting for the user holds neither (an emptied
  // array keeps the 17 slots its first `push` reserved).
  /** Ops waiting for the answer of request number `index` to be handled. */
  private waiters: { index: number; resolve: () => void }[] | null = null;
  /** Submissions in flight, as matrix-js-sdk's `submitPromise`: a new one waits for them. */
  private pending: Promise<void>[] | null = null;
  /** Set while the class itself makes the chart send a request (vs the chart's own dummy submit). */
  private classInitiated = false;
  /** The chart waits out a 429 and will send the same request again: not a new submission. */
  private retryExpected = false;
  private scheduled = false;
  /** `errcode`/`error` of the last answer that carried a body, as matrix-js-sdk keeps `data`. */
  private statusData: { errcode?: unknown; error?: unknown } | null;
  private emailToken: EmailTokenFlight | null = null;
  private resendRequested = false;
  /** The number of attemptAuth's first request (0: none), and the email its answer sent, if any. */
  private firstRequest = 0;
  private firstEmailWait: Promise<void> | null = null;
  /** `busyChanged(true)` calls not yet followed by their `false`: one is closed when the negotiation ends. */
  private busyOpen = 0;
  /** `setEmailSid` / email attempts once the chart has stopped (getters keep working after the end). */
  private emailSidAfterEnd: string | undefined;
  private emailAttemptAfterEnd = 0;

  // Read from the options rather than copied into fields: an instance waiting for the user holds
  // every field for as long as the dialog is open.
  /** The matrix-js-sdk behaviours asked for. */
  private get compat(): InteractiveAuthCompat {
    return this.opts.compat ?? NO_COMPAT;
  }

  /** matrix-js-sdk's `data.flows` is set (no auth data, or auth data with a `flows` field): a first 401 without flows is then "no flow". */
  private get flowsField(): boolean {
    const authData = this.opts.authData;
    return !authData || Boolean(authData.flows);
  }

  /** Creates the negotiation; nothing is sent before {@link InteractiveAuth.attemptAuth}. */
  constructor(opts: IInteractiveAuthOpts<T>) {
    this.opts = opts;
    const authData = opts.authData;
    this.statusData = authData ? statusOf(authData) : null;
    const hasFlows = Array.isArray(authData?.flows) && authData.flows.length > 0;
    const sessionId = opts.sessionId || authData?.session || undefined;
    // Made now, as matrix-js-sdk does (`getClientSecret()` answers before any email stage opens).
    const clientSecret = opts.clientSecret || opts.matrixClient?.generateClientSecret?.() || generateClientSecret();
    const { registrationToken, ...inputs } = opts.inputs ?? {};
    // matrix-js-sdk never submits a registration token by itself; the app's UI does.
    void registrationToken;

    // The shared chart (no machine per instance); this instance's functions go to its actor system.
    this.actor = createActor(interactiveAuthMachine(), {
      input: {
        // None given: none passed, so the context shares the one empty record (EMPTY_RECORD).
        ...(opts.inputs ? { inputs } : {}),
        ...(opts.supportedStages ? { supportedStages: [...opts.supportedStages] } : {}),
        // As in matrix-js-sdk, auth data without flows is no challenge: the first request is made.
        ...(hasFlows ? { authData: { ...authData, ...(sessionId ? { session: sessionId } : {}) } } : {}),
        ...(sessionId ? { sessionId } : {}),
        ...(clientSecret ? { clientSecret } : {}),
        ...(opts.emailSid ? { emailSid: opts.emailSid } : {}),
        ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
      },
    });
    const link = new InstanceLink(this);
    bindUiaFunctions(this.actor, link);
    // The subscription is not kept: XState drops the observer when the chart stops, and after the end it schedules nothing.
    this.actor.subscribe(link);
    this.actor.start();
  }

  /**
   * Begins the negotiation. Resolves with the endpoint's result, or rejects with the error that
   * ended it: `NoAuthFlowFoundError`, the error `doRequest` or `requestEmailToken` threw, or
   * `AbortedError` after {@link InteractiveAuth.cancel}.
   */
  public attemptAuth(): Promise<T> {
    if (this.result) return this.result;
    if (this.finished || this.snap().status !== 'active') {
      return Promise.reject(new InvalidOptionsError('attemptAuth() called after the negotiation ended'));
    }
    const result = new Promise<T>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result = result;
    const snapshot = this.snap();
    if (!snapshot.context.settings.authData) {
      // No flows known: one request to learn them (null, or {session} when resuming).
      this.busy(true);
      // A busyChanged that threw has ended the negotiation: nothing is sent.
      if (this.finished) return result;
      const op = this.startOp(() => this.send({ type: 'START' }));
      this.firstRequest = this.started;
      // Not busy once its answer is handled, and any email that answer sent has answered too.
      void op.then(() => this.firstEmailWait).then(() => this.busy(false));
    } else {
      const before = this.started;
      this.send({ type: 'START' });
      const after = this.snap();
      if (after.status !== 'active') {
        this.settle(after, null);
      } else if (this.started === before) {
        // No request was made (a dummy stage would have been submitted): the app shows the stage.
        this.reportStage(after);
        if (this.finished) return result;
        // matrix-js-sdk's timing sends no email here: the app's requestEmailToken() or the next answer does.
        if (!this.compat.requestEmailTokenEagerly) this.openEmailGate();
        this.watchAutomaticEmailToken();
      }
    }
    return result;
  }

  /**
   * Checks, in the background, whether the stage was completed elsewhere (email link clicked,
   * fallback page done). Does nothing without a session, before `attemptAuth()`, or while a
   * request is in flight.
   */
  public async poll(): Promise<void> {
    const snapshot = this.snap();
    if (!snapshot.context.session) return;
    if (!this.result) return;
    if (this.pending || this.started > this.completed) return;
    let authDict: AuthDict = {};
    const emailSid = snapshot.context.email.sid;
    if (snapshot.context.stage === AuthType.Email && emailSid) {
      // The server checks the link itself, given the email session's credentials.
      const creds: { sid: string; client_secret: string; id_server?: string } = { sid: emailSid, client_secret: snapshot.context.settings.clientSecret! };
      let isUrl: string | null | undefined;
      try {
        isUrl = this.opts.matrixClient?.getIdentityServerUrl?.();
        if (isUrl) creds.id_server = new URL(isUrl).host;
      } catch (e) {
        // poll() is called without a catch (on a timer): the fault ends the negotiation instead.
        this.callbackFailed('matrixClient.getIdentityServerUrl', e);
        return;
      }
      authDict = { type: AuthType.Email, threepid_creds: creds };
    }
    this.submitAuthDict(authDict, true).catch(() => undefined);
  }

  /** The UIA session id, once known. */
  public getSessionId(): string | undefined {
    return this.snap().context.session;
  }

  /** The client secret used for email / phone validation sessions. */
  public getClientSecret(): string {
    return this.snap().context.settings.clientSecret!;
  }

  /** The server's params for a stage type. */
  // `any` values, as in matrix-js-sdk, so code reading e.g. `public_key` compiles unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public getStageParams(loginType: string): Record<string, any> | undefined {
    const snapshot = this.snap();
    if (snapshot.value === 'idle') return this.opts.authData?.params?.[loginType];
    return snapshot.context.params[loginType];
  }

  /** The flow being followed, once chosen. */
  public getChosenFlow(): UIAFlow | null {
    return this.snap().context.chosenFlow;
  }

  /**
   * Sends an auth dict (the session is added). Waits for a request in flight first, so two
   * answers can never both succeed. A background submit does not touch `busyChanged` and its
   * failure does not end the negotiation.
   */
  public async submitAuthDict(authData: AuthDict, background = false): Promise<void> {
    if (!this.result) {
      // After the end there is nothing to submit to (and nothing is called): a no-op.
      if (this.finished) return;
      throw new Error('submitAuthDict() called before attemptAuth()');
    }
    if (!background) this.busy(true);
    let op: Promise<void> | null = null;
    try {
      // Inline, not a helper: the check and the send must happen in the same turn, or two
      // waiting submits would both find the chart idle.
      while (!this.finished && (this.pending || this.started > this.handled)) {
        if (this.pending) await Promise.allSettled(this.pending);
        else await this.waitHandled(this.started);
      }
      // Ended while this one waited (or a callback threw): never send to a stopped chart.
      if (this.finished) return;
      op = this.startOp(() => this.send({ type: 'SUBMIT_AUTH', auth: authData, background }));
      this.addPending(op);
      await op;
    } finally {
      if (op) this.dropPending(op);
      if (!background) this.busy(false);
    }
  }

  /** The sid of the email validation session (`m.login.email.identity`). */
  public getEmailSid(): string | undefined {
    return this.emailSidAfterEnd ?? this.snap().context.email.sid;
  }

  /** Sets the sid of the email validation session (needed to poll for the link being clicked). */
  public setEmailSid(sid: string): void {
    // The chart's own record of the email session: flow choice and the email stage read it.
    if (!this.send({ type: 'STAGE.UPDATE', emailSid: sid })) this.emailSidAfterEnd = sid;
  }

  /**
   * Sends (again) the validation email and stores its sid. Attempts count from 1; a call while
   * one request is in flight does nothing. Rejects with the error `requestEmailToken` threw.
   */
  public get requestEmailToken(): () => Promise<void> {
    // Bound, as matrix-js-sdk's arrow property is (apps pass it around unbound), and made on first
    // use only: most dialogs never send an email, and each open dialog would carry the closure.
    return (this.boundRequestEmailToken ??= () => this.sendEmailAgain());
  }

  private boundRequestEmailToken: (() => Promise<void>) | undefined;

  private async sendEmailAgain(): Promise<void> {
    const inFlight = this.emailToken;
    if (inFlight) {
      // Asked for from stateUpdated, before the stage's own request went out: in matrix-js-sdk
      // this call is the one that sends, and the automatic one finds it in flight.
      if (inFlight.gate) {
        inFlight.manual = true;
        this.openEmailGate();
        await inFlight.promise;
      }
      return;
    }
    const stage = this.stageSnapshot();
    if (stage && stage.can({ type: 'EMAIL.RESEND' })) {
      // The email stage is open: its machine sends the email (attempt + 1) through our actor.
      this.resendRequested = true;
      this.send({ type: 'EMAIL.RESEND' });
      this.resendRequested = false;
      const flight = this.emailToken as EmailTokenFlight | null;
      if (flight) {
        const { sid } = await flight.promise;
        if (this.getEmailSid() !== sid) this.setEmailSid(sid);
        return;
      }
    }
    await this.requestEmailTokenOutsideStage(true);
  }

  /**
   * Stops the negotiation (matrix-uia only): the request in flight is aborted, its answer is
   * dropped, and `attemptAuth()` rejects with `AbortedError`.
   */
  public cancel(): void {
    if (this.finished) return;
    this.fail(new AbortedError());
  }

  /** The chart actor underneath (matrix-uia only), e.g. for an inspector or matrix-uia's UI selectors. */
  public getActor(): UiaActor {
    return this.actor;
  }

  // --- translation ----------------------------------------------------------------------------

  /** The request actor's function: the app's `doRequest`, with the bookkeeping callbacks need. */
  private request(auth: AuthDict | null, background: boolean, signal: AbortSignal): Promise<T> {
    const index = ++this.started;
    const byClass = this.classInitiated;
    const retry = this.retryExpected;
    this.classInitiated = false;
    this.retryExpected = false;
    if (retry) {
      // The chart repeats a request after a 429 wait: the 429 is no answer to the submission, whose
      // waiters (and busyChanged(false)) now wait for the retry's answer.
      this.handled = index - 1;
      for (const w of this.waiters ?? []) if (w.index === index - 1) w.index = index;
    } else if (!byClass && !background) {
      this.trackChartSubmit(index);
      // Its busyChanged(true) threw and ended the negotiation: nothing goes out.
      if (this.finished) return Promise.reject(new AbortedError());
    }
    return call(() => this.opts.doRequest(auth, background, { signal })).then(
      (result) => {
        this.complete(index, { background, failed: false });
        return result;
      },
      (thrown: unknown) => {
        const error = readable(thrown);
        this.complete(index, { background, error, failed: true });
        throw this.forChart(error, background);
      },
    );
  }

  /**
   * What the chart should see of a failed request. A background request that got no UIA
   * challenge is a passing fault for the chart (it keeps the stage open), because in
   * matrix-js-sdk a failed poll never ends the negotiation.
   */
  private forChart(error: unknown, background: boolean): unknown {
    if (!background || !isHttpErrorLike(error)) return error;
    return this.isChallenge(error) ? error : new Error('background request failed');
  }

  private isChallenge(error: unknown): boolean {
    if (!isHttpErrorLike(error)) return false;
    return classifyResponse({ kind: 'http', status: error.httpStatus, data: error.data }, this.knownChallenge()).kind === 'challenge';
  }

  private knownChallenge(): AuthChallenge | null {
    const c = this.snap().context;
    if (!c.flows.length) return null;
    return { flows: c.flows, params: c.params, completed: c.completed, ...(c.session ? { session: c.session } : {}) };
  }

  private complete(index: number, completion: Completion): void {
    if (index <= this.completed) return;
    this.completed = index;
    this.lastCompletion = completion;
    const e = completion.error;
    // matrix-js-sdk replaces its data with any error body it gets: that body's errcode is shown next.
    if (completion.failed && isHttpErrorLike(e) && isRecord(e.data)) this.statusData = statusOf(e.data);
  }

  /** A foreground request the chart made by itself (a dummy stage, a final `{session}`): a submission for the app. */
  private trackChartSubmit(index: number): void {
    this.busy(true);
    const op: Promise<void> = this.waitHandled(index).then(() => {
      this.dropPending(op);
      this.busy(false);
    });
    this.addPending(op);
  }

  private addPending(op: Promise<void>): void {
    this.pending = this.pending ? [...this.pending, op] : [op];
  }

  private dropPending(op: Promise<void>): void {
    const rest = this.pending?.filter((p) => p !== op);
    this.pending = rest?.length ? rest : null;
  }

  /** Runs `send` and returns a promise for the handling of the request it made (at once if none). */
  private startOp(send: () => void): Promise<void> {
    const before = this.started;
    this.classInitiated = true;
    try {
      send();
    } finally {
      this.classInitiated = false;
    }
    if (this.started === before) return Promise.resolve();
    return this.waitHandled(this.started);
  }

  private waitHandled(index: number): Promise<void> {
    if (this.handled >= index || this.finished) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { index, resolve };
      this.waiters = this.waiters ? [...this.waiters, w] : [w];
    });
  }

  private release(upTo: number): void {
    // Most answers have no op waiting on them (no list): no two arrays made to find that out.
    if (!this.waiters) return;
    const ready = this.waiters.filter((w) => this.finished || w.index <= upTo);
    const rest = this.waiters.filter((w) => !ready.includes(w));
    this.waiters = rest.length ? rest : null;
    for (const w of ready) w.resolve();
  }

  /** Chart snapshots are read once XState has finished a whole burst of events. */
  private schedule(): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.process();
    });
  }

  /** Turns the chart's handling of the latest answer into matrix-js-sdk's callbacks. */
  private process(): void {
    if (this.finished || this.completed === this.handled) return;
    const snapshot = this.snap();
    const value = snapshot.value as unknown;
    const inRequest = snapshot.status === 'active' && (inState(value, 'requesting') || inState(value, 'submitting') || inState((value as { polling?: unknown }).polling, 'checking'));
    // The answer reached us before the chart: wait for the snapshot that shows it handled (a
    // request state with a newer request in flight is the chart's own dummy submission).
    if (inRequest && this.started === this.completed) return;
    if (snapshot.status === 'active' && inState(value, 'rateLimited')) {
      // The chart waits out the 429 and repeats the request: still the same submission.
      this.retryExpected = true;
      return;
    }
    const upTo = this.completed;
    const completion = this.lastCompletion;
    // Handled now: the error (its body, its stack) is not kept while the dialog stays open.
    this.lastCompletion = null;
    this.handled = upTo;
    if (snapshot.status !== 'active') {
      this.settle(snapshot, completion);
      this.release(upTo);
      return;
    }
    if (completion?.failed && !completion.background && !isHttpErrorLike(completion.error)) {
      // No answer at all: matrix-js-sdk ends the negotiation with the error (the chart would keep the stage open).
      this.fail(completion.error, completion);
      return;
    }
    // A request the chart made at once (dummy stage) is a submission, not a stage to show.
    if (this.started === this.completed) this.reportStage(snapshot);
    // A stateUpdated that threw has ended it.
    if (this.finished) return;
    // An email held until the app was told the stage goes out now, because of this answer.
    const sentNow = this.emailToken?.gate != null;
    this.openEmailGate();
    const after = this.afterChallenge(snapshot, sentNow);
    if (after && upTo === this.firstRequest) {
      // attemptAuth's own request is no submission: in matrix-js-sdk a submit made while the
      // email it triggered is on its way goes at once; only its busyChanged(false) waits.
      this.firstEmailWait = after;
      this.release(upTo);
    } else if (after) {
      void after.then(() => this.release(upTo));
    } else {
      this.release(upTo);
    }
  }

  /**
   * What follows a challenge before its submission counts as handled: the email this answer
   * sent, when the email stage (or, with `compat.requestEmailTokenEagerly`, a flow with it) has
   * just opened.
   */
  private afterChallenge(snapshot: UiaSnapshot, sentNow: boolean): Promise<void> | null {
    const flight = this.emailToken;
    if (flight) {
      // One sent for an earlier answer (or by the app) does not hold this one, as in matrix-js-sdk,
      // whose request for this answer finds an email in flight and goes on.
      if (flight.manual || !sentNow) return null;
      return flight.promise.then(
        () => undefined,
        (e: unknown) => this.fail(e),
      );
    }
    // Read afresh: stateUpdated may have set the sid (setEmailSid) just now.
    const ctx = this.snap().context;
    if (this.compat.requestEmailTokenEagerly && !flight && !ctx.email.sid && ctx.chosenFlow?.stages.includes(AuthType.Email)) {
      return this.requestEmailTokenOutsideStage(false).catch((e: unknown) => this.fail(e));
    }
    return null;
  }

  /** An automatic email request started by `attemptAuth()` itself: its failure ends the negotiation. */
  private watchAutomaticEmailToken(): void {
    const flight = this.emailToken;
    // Unless the app's requestEmailToken() has taken it over meanwhile: its failure is then that call's.
    if (flight && !flight.manual) flight.promise.catch((e: unknown) => void (flight.manual || this.fail(e)));
  }

  private reportStage(snapshot: UiaSnapshot): void {
    const stage = snapshot.context.stage;
    if (!stage || this.finished) return;
    this.stateUpdated(stage, this.statusFor(stage, this.statusData));
  }

  /** matrix-js-sdk's IStageStatus from its data: the errcode / error, else the email sid for the email stage. */
  private statusFor(stage: string, d: { errcode?: unknown; error?: unknown } | null): IStageStatus {
    const errcode = typeof d?.errcode === 'string' ? d.errcode : '';
    const error = typeof d?.error === 'string' ? d.error : '';
    if (errcode || error) return { errcode, error };
    return stage === AuthType.Email ? { emailSid: this.getEmailSid() } : {};
  }

  /** Ends the promise from a final snapshot. */
  private settle(snapshot: UiaSnapshot, completion: Completion | null): void {
    const out = snapshot.output;
    if (out?.status === 'done') {
      const resolve = this.resolveResult;
      this.finish();
      this.closeBusy();
      resolve?.(selectResult<T>(snapshot) as T);
      return;
    }
    const chartError: unknown = out?.error ?? (snapshot as { error?: unknown }).error;
    if (completion?.failed && this.isFlowlessFirst401(completion.error, snapshot)) {
      // matrix-js-sdk takes any 401 with a body as UIA while it has no flows, and finds none in it.
      const ctx = snapshot.context;
      this.fail(new NoAuthFlowFoundError('No appropriate authentication flow found', requiredStages({ inputs: this.opts.inputs, emailSid: ctx.email.sid }), []));
      return;
    }
    // An answer that was no usable challenge ends it with what doRequest threw, as in
    // matrix-js-sdk; a decision the chart made on a good challenge ("no flow") keeps its own error.
    const raw = completion?.failed && !this.isChallenge(completion.error) ? completion.error : undefined;
    this.fail(raw ?? chartError ?? new AbortedError(), raw !== undefined ? completion : null);
  }

  /** A 401 with a body and no flows, while none are known (matrix-js-sdk: `NoAuthFlowFoundError`); token errors stay themselves. */
  private isFlowlessFirst401(error: unknown, snapshot: UiaSnapshot): boolean {
    if (!this.flowsField || snapshot.context.flows.length > 0 || !isHttpErrorLike(error) || error.httpStatus !== 401 || !isRecord(error.data)) return false;
    const { errcode, flows } = error.data;
    if (errcode === 'M_UNKNOWN_TOKEN' || errcode === 'M_MISSING_TOKEN') return false;
    return !Array.isArray(flows) || flows.length === 0;
  }

  /**
   * Ends the negotiation with `error`. When a foreground submission failed without a UIA answer
   * (`failed`), the app is told the stage once more with the error's `errcode`/`error` first, as
   * matrix-js-sdk does: apps that show errors from `stateUpdated` show this one too.
   */
  private fail(error: unknown, failed?: Completion | null): void {
    if (this.finished) return;
    const reject = this.rejectResult;
    const lastWords = failed && !failed.background ? this.stageAfterFailure(failed.error) : null;
    this.finish();
    this.send({ type: 'CANCEL' });
    if (lastWords) this.stateUpdated(lastWords.stage, lastWords.status);
    this.closeBusy();
    reject?.(error);
  }

  /**
   * The stage and status matrix-js-sdk reports after a failed submission: its `data` becomes the
   * error's body (with the known flows, completed and session when the body has none of them),
   * and the next stage is the chosen flow's first not completed in it.
   */
  private stageAfterFailure(error: unknown): { stage: string; status: IStageStatus } | null {
    const ctx = this.snap().context;
    const flow = ctx.chosenFlow;
    if (!flow) return null;
    let completed: readonly string[] = ctx.completed;
    let d = this.statusData;
    // A MatrixError (an HTTP error with a body) replaces matrix-js-sdk's data; anything else leaves it.
    if (isHttpErrorLike(error) && isRecord(error.data)) {
      const body = error.data;
      if (body.flows !== undefined || body.completed !== undefined || body.session !== undefined) {
        completed = Array.isArray(body.completed) ? (body.completed as string[]) : [];
      }
      d = body;
    }
    const stage = flow.stages.find((s) => !completed.includes(s));
    // A dummy stage would be submitted again by matrix-js-sdk after the end: nothing to show.
    if (!stage || stage === AuthType.Dummy) return null;
    return { stage, status: this.statusFor(stage, d) };
  }

  /** An app callback threw: the negotiation ends with a {@link CallbackError} naming it (ignored after the end). */
  private callbackFailed(name: string, error: unknown): void {
    if (!this.finished) this.fail(new CallbackError(name, error));
  }

  private snap(): UiaSnapshot {
    return this.actor.getSnapshot();
  }

  /** Sends to the chart while it runs; false (and nothing sent) once it has stopped. */
  private send(event: Parameters<UiaActor['send']>[0]): boolean {
    if (this.snap().status !== 'active') return false;
    this.actor.send(event);
    return true;
  }

  /** Lets a held automatic email request go (the app has been told the stage). */
  private openEmailGate(): void {
    const flight = this.emailToken;
    const gate = flight?.gate;
    if (!flight || !gate) return;
    flight.gate = null;
    gate.resolve();
  }

  private finish(): void {
    this.finished = true;
    this.openEmailGate();
    this.result = this.resolveResult = this.rejectResult = null;
    this.release(Infinity);
  }

  /** Calls the app's stateUpdated (or startAuthStage); a throw ends the negotiation. */
  private stateUpdated(stage: string, status: IStageStatus): void {
    const name = this.opts.stateUpdated ? 'stateUpdated' : 'startAuthStage';
    try {
      (this.opts.stateUpdated ?? this.opts.startAuthStage)?.call(this.opts, stage, status);
    } catch (e) {
      this.callbackFailed(name, e);
    }
  }

  /** Tells the app busy / not busy; nothing after the end, and a throw ends the negotiation. */
  private busy(busy: boolean): void {
    if (this.finished) return;
    this.busyOpen = Math.max(0, this.busyOpen + (busy ? 1 : -1));
    try {
      this.opts.busyChanged?.call(this.opts, busy);
    } catch (e) {
      // A busyChanged that threw is not called again, not even to close what it was given.
      this.busyOpen = 0;
      this.callbackFailed('busyChanged', e);
    }
  }

  /** At the end: a `busyChanged(true)` still shown gets its `false`, the last call the app gets. */
  private closeBusy(): void {
    if (this.busyOpen === 0) return;
    this.busyOpen = 0;
    try {
      this.opts.busyChanged?.call(this.opts, false);
    } catch {
      // The negotiation has already ended; there is nothing left for the fault to stop.
    }
  }

  private stageSnapshot(): { can(event: { type: 'EMAIL.RESEND' }): boolean } | undefined {
    const snapshot = this.snap();
    if (snapshot.status !== 'active' || snapshot.context.stageKind !== 'email') return undefined;
    return (snapshot.children as Record<string, { getSnapshot(): { can(e: { type: 'EMAIL.RESEND' }): boolean } } | undefined>).stage?.getSnapshot();
  }

  /** The email stage's token actor: the app's `requestEmailToken`. */
  private emailTokenForStage(input: EmailTokenActorInput): Promise<RequestTokenResponse> {
    // One email request at a time: one sent before the stage opened (eagerly, or by the app) serves it.
    if (this.emailToken) return this.emailToken.promise;
    const manual = this.resendRequested;
    // The session of the latest answer (the stage's copy is the one it opened with), as matrix-js-sdk sends.
    const session = this.snap().context.session ?? input.session;
    // When the stage just opened, stateUpdated comes first, then the email (matrix-js-sdk's order).
    return this.sendEmailToken(input.email, input.clientSecret, input.attempt, session, manual, !manual);
  }

  /** A token request with no email stage open (before it, or eagerly): attempts continue the chart's count. */
  private async requestEmailTokenOutsideStage(manual: boolean): Promise<void> {
    const ctx = this.snap().context;
    const attempt = Math.max(ctx.email.attempt, this.emailAttemptAfterEnd) + 1;
    // Counted before the answer, as matrix-js-sdk does: a failed attempt is not reused.
    if (!this.send({ type: 'STAGE.UPDATE', emailAttempt: attempt })) this.emailAttemptAfterEnd = attempt;
    const { sid } = await this.sendEmailToken(this.opts.inputs?.emailAddress as string, ctx.settings.clientSecret!, attempt, ctx.session, manual);
    this.setEmailSid(sid);
  }

  private sendEmailToken(
    email: string | null | undefined,
    secret: string,
    attempt: number,
    session: string | undefined,
    manual: boolean,
    gated = false,
  ): Promise<RequestTokenResponse> {
    const fn = this.opts.requestEmailToken;
    const gate = gated ? defer<void>() : null;
    const send = () =>
      call((): RequestTokenResponse | Promise<RequestTokenResponse> => {
        if (this.finished && gated) throw new AbortedError();
        // The app set the sid in stateUpdated (its own email was sent): matrix-js-sdk sends none then.
        const sid = gated ? this.getEmailSid() : undefined;
        if (sid) return { sid };
        if (!fn) throw new InvalidOptionsError('the m.login.email.identity stage needs the requestEmailToken option');
        // The session of the latest answer when it goes out (a held email may outlive a session change),
        // and the address as the app gave it (`undefined`, as in matrix-js-sdk, when it gave none).
        const ctx = this.snap().context;
        // Counted as it goes out, as matrix-js-sdk counts: a stage closed meanwhile still used it.
        if (attempt > ctx.email.attempt) this.send({ type: 'STAGE.UPDATE', emailAttempt: attempt });
        return fn.call(this.opts, (email ?? undefined) as string, secret, attempt, (ctx.session ?? session) as string);
      }).then((answer) => {
        // Every answer's sid is the email session's, even when the stage that asked has closed.
        const sid = (answer as { sid?: unknown } | null)?.sid;
        if (typeof sid === 'string' && sid && this.getEmailSid() !== sid) this.setEmailSid(sid);
        return answer;
      });
    const promise = gate ? gate.promise.then(send) : send();
    const flight: EmailTokenFlight = { promise, manual, gate };
    this.emailToken = flight;
    const clear = () => {
      if (this.emailToken === flight) this.emailToken = null;
    };
    promise.then(clear, clear);
    return promise;
  }
}
