/**
 * `runUia`: one negotiation from start to result, as a promise.
 *
 * The chart is driven by handlers: when the open stage waits for the user, the matching handler
 * is asked (for a password, a captcha response, ...), and its answer is sent as the stage's event.
 * Out-of-band stages (email link, fallback page, m.oauth) are polled by the chart meanwhile.
 * Without a handler for a stage that needs one, or with an answer the stage cannot use (an empty
 * password), the negotiation is cancelled with a clear error instead of waiting forever. After a
 * failed answer a handler is asked again only after a pause, so it can never re-ask in a loop.
 */
import type { AnyActorRef } from 'xstate';
import type { StageEvent } from '../../machines/stages/stage.types';
import { stageMachines, type StageMachineSet } from '../../machines/stages';
import { createUiaActor, type CreateUiaActorExtras, type UiaActor } from './create-uia-machine';
import { AbortedError, InvalidOptionsError, TimeoutError, type UiaError } from '../errors/errors';
import type { UiaOptions } from './options';
import { selectResult, selectStageError, type UiaSnapshot } from './selectors';
import type { StageKind } from '../decisions/stage-kind';
import { EMPTY_RECORD } from '../decisions/shared-empty';
import type { TermsPolicy } from '../decisions/terms';
import type { UserIdentifier } from '../types';

/** What a handler is told about the stage asking. */
export interface StagePrompt {
  /** The stage type, e.g. `m.login.password`. */
  type: string;
  /** Which stage machine serves the stage (decides the handler called). */
  kind: StageKind;
  /** The stage's params from the server. */
  params: Record<string, unknown>;
  /** Why the last attempt failed (wrong password, invalid token), if it did. */
  error: UiaError | null;
  /** 1 for the first time this stage asks, 2 after one refusal, ... */
  attempt: number;
  /** Aborted when the answer is no longer wanted (the stage completed elsewhere, or cancel). */
  signal: AbortSignal;
}

/** A password handler's answer: the password, or the password and whose it is. */
export type PasswordAnswer =
  | string
  | {
      /** The password the user typed. */
      password: string;
      /** Whose password; default `m.id.user` with `userId`. */
      identifier?: UserIdentifier;
    };

/** Answers to the stages that need the user. Each may be sync or async. */
export interface StageHandlers {
  /** The password (or password and identifier) for `m.login.password`. */
  password?: (p: StagePrompt) => PasswordAnswer | Promise<PasswordAnswer>;
  /** The captcha response for `m.login.recaptcha` (`p.params.public_key` is the site key). */
  recaptcha?: (p: StagePrompt & { publicKey: string | null }) => string | Promise<string>;
  /** Whether the user accepts every policy of `m.login.terms`; `false` cancels. */
  terms?: (p: StagePrompt & { policies: TermsPolicy[] }) => boolean | Promise<boolean>;
  /** The registration token, when the app gave none in `inputs` or it was refused. */
  registrationToken?: (p: StagePrompt) => string | Promise<string>;
  /** An email address, when an email flow was chosen without one. */
  emailAddress?: (p: StagePrompt) => string | Promise<string>;
  /** Told that the validation email is sent; `resend()` asks for another. Polling goes on. */
  emailSent?: (p: StagePrompt & { email: string | null; sid: string | null; resend: () => void; check: () => void }) => void;
  /** The code received by SMS for `m.login.msisdn`. */
  msisdnCode?: (p: StagePrompt & { msisdn: string | null }) => string | Promise<string>;
  /**
   * Open `url` (fallback page, SSO, or m.oauth approval page) for the user. Resolve when the user
   * says it is done; never resolve to rely on polling alone.
   */
  external?: (p: StagePrompt & { url: string }) => void | Promise<void>;
}

/** Options of {@link runUia}. */
export interface RunUiaOptions<T> extends UiaOptions<T>, Omit<CreateUiaActorExtras, 'stages'> {
  /**
   * The stage machines to run natively. Default {@link stageMachines}: every stage type, each
   * answered through `handlers`. Give a smaller set to keep the others out of your bundle.
   */
  stages?: StageMachineSet;
  /** Callbacks answering each stage; a stage that needs a missing handler cancels the run with an error. */
  handlers?: StageHandlers;
  /** Cancels the negotiation (rejects with `AbortedError`). */
  signal?: AbortSignal;
  /** Called with each snapshot of the chart, e.g. to log transitions. */
  onSnapshot?: (snapshot: UiaSnapshot) => void;
  /** Called once the actor exists (before START), e.g. to keep it for a UI. */
  onActor?: (actor: UiaActor) => void;
}

/** A password handler's answer as the stage's event. */
function passwordEvent(a: PasswordAnswer): StageEvent {
  return { type: 'PASSWORD.SUBMIT', ...(typeof a === 'string' ? { password: a } : a) };
}

/**
 * Asks the handler of a stage for its answer. The password, the stage nearly every negotiation
 * asks for, takes no async function and no promise of its own: the handler's promise (or its
 * value, made one) is handed back as it is, and the caller turns the answer into the event
 * ({@link passwordEvent}). A negotiation waiting for its user then holds only the handler's
 * promise and one reaction, not a chain of three promises and the suspended function's frame.
 * (A handler that throws rejects, as from the async function.)
 */
function answerFor(kind: StageKind, state: string, h: StageHandlers, p: StagePrompt, ctx: Record<string, unknown>, stage: AnyActorRef): Promise<unknown> {
  const password = kind === 'password' && h.password;
  if (!password) return answerOther(kind, state, h, p, ctx, stage);
  try {
    return Promise.resolve(password(p));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** {@link answerFor} for every stage but the password (and a password stage without a handler). */
async function answerOther(kind: StageKind, state: string, h: StageHandlers, p: StagePrompt, ctx: Record<string, unknown>, stage: AnyActorRef): Promise<StageEvent | null | 'unhandled'> {
  switch (kind) {
    case 'password':
      return 'unhandled'; // no handler (answerFor asks one that is there)
    case 'recaptcha':
      if (!h.recaptcha) return 'unhandled';
      return { type: 'RECAPTCHA.SUBMIT', response: await h.recaptcha({ ...p, publicKey: (ctx.publicKey as string | null) ?? null }) };
    case 'terms':
      if (!h.terms) return 'unhandled';
      if (!(await h.terms({ ...p, policies: ctx.policies as TermsPolicy[] }))) throw new AbortedError('The terms were not accepted');
      stage.send({ type: 'TERMS.ACCEPT_ALL' });
      return { type: 'TERMS.SUBMIT' };
    case 'registrationToken':
      if (!h.registrationToken) return 'unhandled';
      return { type: 'TOKEN.SUBMIT', token: await h.registrationToken(p) };
    case 'email':
      if (state === 'needsAddress') {
        if (!h.emailAddress) return 'unhandled';
        return { type: 'EMAIL.SET_ADDRESS', email: await h.emailAddress(p) };
      }
      if (state === 'tokenFailed') return 'unhandled';
      h.emailSent?.({
        ...p,
        email: (ctx.email as string | null) ?? null,
        sid: (ctx.sid as string | null) ?? null,
        resend: () => stage.send({ type: 'EMAIL.RESEND' }),
        check: () => stage.send({ type: 'EMAIL.CHECK' }),
      });
      return null; // the chart polls until the link is clicked
    case 'msisdn':
      if (state !== 'waitingForCode' || !h.msisdnCode) return 'unhandled';
      return { type: 'MSISDN.SUBMIT_CODE', code: await h.msisdnCode({ ...p, msisdn: (ctx.msisdn as string | null) ?? null }) };
    case 'fallback':
    case 'oauth': {
      const url = (ctx.fallbackUrl ?? ctx.url) as string;
      if (!h.external) return null; // polling alone may still see it done
      await h.external({ ...p, url });
      return { type: kind === 'oauth' ? 'OAUTH.DONE' : 'FALLBACK.DONE' };
    }
    case 'dummy':
      return 'unhandled'; // only reached when the server refused a dummy stage
  }
}

/** Why a stage's guard would drop this answer, for the error that ends the negotiation. */
function refusalReason(ev: StageEvent, state: string): string {
  switch (ev.type) {
    case 'PASSWORD.SUBMIT':
      return typeof ev.password === 'string' && ev.password.length > 0 ? 'no user identifier: pass userId or answer with an identifier' : 'empty password';
    case 'RECAPTCHA.SUBMIT':
      return 'empty captcha response';
    case 'TOKEN.SUBMIT':
      return 'empty registration token';
    case 'EMAIL.SET_ADDRESS':
      return 'not an email address';
    case 'MSISDN.SUBMIT_CODE':
      return 'empty code';
    case 'TERMS.SUBMIT':
      return 'not every policy is accepted';
    default:
      return `${ev.type} is not accepted in state ${state}`;
  }
}

/**
 * How long to wait before asking a handler again (`attempt` > 1 means its last answer failed),
 * or `null` to ask at once. A handler that answers at once while its answers keep failing would
 * otherwise re-ask in a tight loop (a request function without I/O makes it a microtask loop that
 * starves every timer). A page handler waits 1 s, 2 s, 4 s, ...; an answer handler is re-asked
 * after one turn of the event loop (a mistyped password costs nothing), then 250 ms, 500 ms, ...
 */
function reaskPause(kind: StageKind, attempt: number): number | null {
  if (attempt <= 1) return null;
  if (kind === 'fallback' || kind === 'oauth') return Math.min(1000 * 2 ** (attempt - 2), 30_000);
  return attempt === 2 ? 0 : Math.min(250 * 2 ** (attempt - 3), 30_000);
}

/** A thrown value as text, even when reading it throws too (a Proxy, a throwing getter). */
function describeThrown(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'a value that cannot be shown';
  }
}

/**
 * One prompt of a handler: what the handler is told, and (in private fields, which no handler
 * sees) whether its answer is still wanted. Its `AbortSignal` is made only if the handler reads
 * `prompt.signal`: most handlers answer at once and never look, and making and aborting a
 * controller per prompt (an `AbortSignal`, then a `DOMException` when it is aborted) was a tenth
 * of runUia's CPU time per negotiation. One object per prompt, and no `WeakMap` from the prompt to
 * its state (a weak entry per prompt was most of the cost of making one).
 */
class Prompt implements StagePrompt {
  type: string;
  kind: StageKind;
  params: Record<string, unknown>;
  error: UiaError | null;
  attempt: number;
  /** An own, enumerable accessor (defined in the constructor), so a copy of the prompt has it too. */
  declare readonly signal: AbortSignal;
  #cancelled = false;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #controller: AbortController | null = null;

  constructor(type: string, kind: StageKind, params: Record<string, unknown>, error: UiaError | null, attempt: number) {
    this.type = type;
    this.kind = kind;
    this.params = params;
    this.error = error;
    this.attempt = attempt;
    // On the object itself, not the prototype: a handler spreading the prompt keeps its signal.
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  /** The prompt's signal, made on first read (already aborted when read after the cancel). */
  static signalOf(p: Prompt): AbortSignal {
    if (!p.#controller) {
      p.#controller = new AbortController();
      if (p.#cancelled) p.#controller.abort();
    }
    return p.#controller.signal;
  }

  /** Whether the answer is no longer wanted. */
  static cancelled(p: Prompt): boolean {
    return p.#cancelled;
  }

  /** The re-ask pause under way, dropped by the cancel. */
  static pause(p: Prompt, ms: number, resume: () => void): void {
    p.#timer = setTimeout(resume, ms);
  }

  /** The answer is no longer wanted: no late answer is sent, a pending re-ask pause is dropped. */
  static cancel(p: Prompt): void {
    if (p.#cancelled) return;
    p.#cancelled = true;
    if (p.#timer !== undefined) clearTimeout(p.#timer);
    p.#controller?.abort();
  }
}

/**
 * The `signal` accessor of every prompt: one descriptor and one getter, so prompts keep one shape
 * (an object literal with a getter is kept in dictionary mode by V8, several hundred bytes per
 * waiting negotiation).
 */
const SIGNAL: PropertyDescriptor = {
  get(this: Prompt): AbortSignal {
    return Prompt.signalOf(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * Watches the open stage: each of its snapshots may ask a handler. Its subscription is not kept:
 * XState drops a stage's observers when the stage stops (the chart stops it when it closes the
 * stage or ends), and a late snapshot of a stage no longer watched asks nothing.
 */
class StageWatch {
  #run: Negotiation<unknown>;
  #stage: AnyActorRef;

  constructor(run: Negotiation<unknown>, stage: AnyActorRef) {
    this.#run = run;
    this.#stage = stage;
  }

  next(): void {
    this.#run.stageChanged(this.#stage);
  }

  /** Needed: a stage that throws is ended by the chart (ProtocolError), but XState reports an actor's error as uncaught to an observer without one. */
  error(): void {}
}

/**
 * One `runUia` negotiation: its state as fields and its steps as methods, so a negotiation
 * waiting for its user holds one object rather than a closure (and a context) per step.
 * Private (`#`) names: the minifier shortens them, as it did the closures' variables.
 */
class Negotiation<T> {
  #actor: UiaActor;
  #handlers: StageHandlers;
  #signal: AbortSignal | undefined;
  #onSnapshot: ((snapshot: UiaSnapshot) => void) | undefined;
  #resolve: (value: T) => void;
  #reject: (error: unknown) => void;
  #settled = false;
  #failure: UiaError | null = null;
  #watched: AnyActorRef | undefined = undefined;
  #prompt: Prompt | null = null;
  #lastValue: unknown = '';
  /** Prompts per stage type (a plain record: most negotiations see one or two stage types). */
  #attempts: Record<string, number> | null = null;

  constructor(
    actor: UiaActor,
    handlers: StageHandlers,
    signal: AbortSignal | undefined,
    onSnapshot: ((snapshot: UiaSnapshot) => void) | undefined,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.#actor = actor;
    this.#handlers = handlers;
    this.#signal = signal;
    this.#onSnapshot = onSnapshot;
    this.#resolve = resolve;
    this.#reject = reject;
    // The negotiation itself is the abort listener (its handleEvent): no closure per run.
    signal?.addEventListener('abort', this, { once: true });
  }

  /** Tells the app the actor (`onActor`), then starts the negotiation. */
  begin(onActor: ((actor: UiaActor) => void) | undefined): void {
    const actor = this.#actor;
    if (onActor && !this.#callback('onActor', () => onActor(actor))) {
      this.#settle();
      this.#reject(this.#failure);
      return;
    }
    actor.subscribe(this);
    actor.start();
    actor.send({ type: 'START' });
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.#stopWith(new AbortedError());
  }

  #stopWith(error: UiaError): void {
    if (!this.#failure) this.#failure = error;
    this.#actor.send({ type: 'CANCEL' });
  }

  /** Settles once: no prompt, no stage watch and no abort listener outlive the negotiation. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#prompt) Prompt.cancel(this.#prompt);
    // No stage snapshot asks anything once settled (its observer goes when the stage stops).
    this.#watched = undefined;
    this.#signal?.removeEventListener('abort', this);
    return true;
  }

  /** A snapshot of `stage`: asks its handler, unless that stage is no longer the open one. */
  stageChanged(stage: AnyActorRef): void {
    if (stage === this.#watched) this.promptStage(stage);
  }

  promptStage(stage: AnyActorRef): void {
    const s = stage.getSnapshot() as { value: unknown; context: Record<string, unknown>; hasTag(t: string): boolean };
    // Stage values are strings but for nested states: compare those by their JSON text.
    const value = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
    if (value === this.#lastValue) return;
    this.#lastValue = value;
    if (this.#prompt) Prompt.cancel(this.#prompt);
    this.#prompt = null;
    // A stage that crashed (xstate < 5.2x hands its error snapshot, which has no hasTag) asks nothing.
    if (typeof s.hasTag !== 'function' || !s.hasTag('input')) return;
    const parent = this.#actor.getSnapshot();
    const { stage: type, stageKind: kind } = parent.context;
    if (!type || !kind) return;
    const attempts = (this.#attempts ??= {});
    // Prefixed: a server's stage type may be `__proto__` or `constructor`, never a key of the record's own.
    const key = `#${type}`;
    const attempt = (attempts[key] ?? 0) + 1;
    attempts[key] = attempt;
    const prompt = new Prompt(type, kind, parent.context.params[type] ?? EMPTY_RECORD, selectStageError(parent), attempt);
    this.#prompt = prompt;
    const pause = reaskPause(kind, attempt);
    const handlers = this.#handlers;
    // Whether the answer comes raw from the password handler (answerFor), to be made the event here.
    const rawPassword = kind === 'password' && Boolean(handlers.password);
    const asked =
      pause === null
        ? answerFor(kind, String(s.value), handlers, prompt, s.context, stage)
        : new Promise<void>((resolve) => {
            Prompt.pause(prompt, pause, resolve);
          }).then(() => answerFor(kind, String(s.value), handlers, prompt, s.context, stage));
    asked.then(
      (answer) => {
        if (Prompt.cancelled(prompt) || this.#settled) return;
        let ev: StageEvent | null | 'unhandled';
        try {
          ev = rawPassword ? passwordEvent(answer as PasswordAnswer) : (answer as StageEvent | null | 'unhandled');
        } catch (e) {
          // An answer that cannot even be read (a throwing Proxy) fails as a throwing handler does.
          this.#stopWith(new AbortedError(`Stage handler failed: ${describeThrown(e)}`));
          return;
        }
        if (ev === 'unhandled') {
          this.#stopWith(prompt.error ?? new InvalidOptionsError(`No handler can complete the stage ${type} (${String(s.value)})`));
        } else if (ev) {
          // A stage guard drops an answer it cannot use (no identifier, an empty token) without
          // moving, so nothing would ask again: that answer can only end the negotiation.
          if (!(stage.getSnapshot() as { can(e: StageEvent): boolean }).can(ev)) {
            this.#stopWith(new InvalidOptionsError(`${type}: the answer was refused (${refusalReason(ev, String(s.value))})`));
            return;
          }
          stage.send(ev);
        }
      },
      (e: unknown) => {
        if (Prompt.cancelled(prompt) || this.#settled) return;
        this.#stopWith(e instanceof AbortedError ? e : e instanceof Error && 'code' in e ? (e as UiaError) : new AbortedError(`Stage handler failed: ${describeThrown(e)}`));
      },
    );
  }

  /** An app callback that throws ends the negotiation with an error naming it (never uncaught). */
  #callback(name: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      this.#stopWith(new AbortedError(`${name} threw: ${describeThrown(e)}`));
      return false;
    }
  }

  /** Each snapshot of the chart (the negotiation is the actor's observer). */
  next(snapshot: UiaSnapshot): void {
    const onSnapshot = this.#onSnapshot;
    if (onSnapshot && !this.#failure) this.#callback('onSnapshot', () => onSnapshot(snapshot));
    const stage = (snapshot.children as Record<string, AnyActorRef | undefined>).stage;
    if (stage !== this.#watched && !this.#settled) {
      this.#watched = stage;
      this.#lastValue = '';
      if (stage) {
        stage.subscribe(new StageWatch(this as Negotiation<unknown>, stage));
        this.promptStage(stage);
      }
    }
    if (snapshot.status === 'active' && snapshot.context.poll.stopped && !this.#failure) {
      this.#stopWith(new TimeoutError());
    }
    if (snapshot.status !== 'done' || !this.#settle()) return;
    const out = snapshot.output;
    if (out?.status === 'done') this.#resolve(selectResult<T>(snapshot) as T);
    else this.#reject(this.#failure ?? out?.error ?? new AbortedError());
  }

  error(e: unknown): void {
    if (this.#settle()) this.#reject(e);
  }
}

/**
 * Runs one negotiation. Resolves with the endpoint's result; rejects with a typed error
 * (`NoAuthFlowFoundError`, `EndpointError`, `NetworkError`, `RateLimitedError`, `AbortedError`,
 * `ProtocolError`, `TimeoutError`, or `InvalidOptionsError` when a stage cannot be completed
 * with the handlers and options given, e.g. a password answer with no user identifier).
 */
export function runUia<T>(options: RunUiaOptions<T>): Promise<T> {
  const { handlers = {}, signal, onSnapshot, onActor, ...rest } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    // `rest` is this call's own copy: the default stage set goes into it, not into one copy more.
    rest.stages ??= stageMachines;
    const actor = createUiaActor<T>(rest as RunUiaOptions<T> & CreateUiaActorExtras);
    new Negotiation<T>(actor, handlers, signal, onSnapshot, resolve, reject).begin(onActor);
  });
}
