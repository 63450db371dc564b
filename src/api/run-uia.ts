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
import type { AnyActorRef, Subscription } from 'xstate';
import type { StageEvent } from '../../machines/stages/stage.types';
import { stageMachines, type StageMachineSet } from '../../machines/stages';
import { createUiaActor, type CreateUiaActorExtras, type UiaActor } from './create-uia-machine';
import { AbortedError, InvalidOptionsError, TimeoutError, type UiaError } from '../errors/errors';
import type { UiaOptions } from './options';
import { selectResult, selectStageError, type UiaSnapshot } from './selectors';
import type { StageKind } from '../decisions/stage-kind';
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

/** The event a handler's answer becomes, per stage kind. */
async function answerFor(kind: StageKind, state: string, h: StageHandlers, p: StagePrompt, ctx: Record<string, unknown>, stage: AnyActorRef): Promise<StageEvent | null | 'unhandled'> {
  switch (kind) {
    case 'password': {
      if (!h.password) return 'unhandled';
      const a = await h.password(p);
      return typeof a === 'string' ? { type: 'PASSWORD.SUBMIT', password: a } : { type: 'PASSWORD.SUBMIT', ...a };
    }
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
 * One prompt of a handler, cancelled when its answer is no longer wanted. Its `AbortSignal` is
 * made only if the handler reads `prompt.signal`: most handlers answer at once and never look, and
 * making and aborting a controller per prompt (an `AbortSignal`, then a `DOMException` when it is
 * aborted) was a tenth of runUia's CPU time per negotiation.
 */
class Prompting {
  cancelled = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;

  /** The prompt handed to the handler, whose `signal` is made on first read. */
  prompt(type: string, kind: StageKind, params: Record<string, unknown>, error: UiaError | null, attempt: number): StagePrompt {
    const self = this;
    return {
      type,
      kind,
      params,
      error,
      attempt,
      get signal(): AbortSignal {
        if (!self.controller) {
          self.controller = new AbortController();
          if (self.cancelled) self.controller.abort();
        }
        return self.controller.signal;
      },
    };
  }

  /** The answer is no longer wanted: no late answer is sent, a pending re-ask pause is dropped. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.controller?.abort();
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
    const actor = createUiaActor<T>({ ...rest, stages: rest.stages ?? stageMachines });
    let settled = false;
    let failure: UiaError | null = null;
    let stageSub: Subscription | null = null;
    let watched: AnyActorRef | undefined;
    let prompting: Prompting | null = null;
    let lastValue: unknown = '';
    const attempts = new Map<string, number>();

    const stopWith = (error: UiaError) => {
      if (!failure) failure = error;
      actor.send({ type: 'CANCEL' });
    };
    const onAbort = () => stopWith(new AbortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    /** Settles once: no prompt, no stage watch and no abort listener outlive the negotiation. */
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      prompting?.cancel();
      stageSub?.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      return true;
    };

    const promptStage = (stage: AnyActorRef) => {
      const s = stage.getSnapshot() as { value: unknown; context: Record<string, unknown>; hasTag(t: string): boolean };
      // Stage values are strings but for nested states: compare those by their JSON text.
      const value = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
      if (value === lastValue) return;
      lastValue = value;
      prompting?.cancel();
      prompting = null;
      // A stage that crashed (xstate < 5.2x hands its error snapshot, which has no hasTag) asks nothing.
      if (typeof s.hasTag !== 'function' || !s.hasTag('input')) return;
      const parent = actor.getSnapshot();
      const { stage: type, stageKind: kind } = parent.context;
      if (!type || !kind) return;
      const attempt = (attempts.get(type) ?? 0) + 1;
      attempts.set(type, attempt);
      const ac = new Prompting();
      prompting = ac;
      const prompt = ac.prompt(type, kind, parent.context.params[type] ?? {}, selectStageError(parent), attempt);
      const pause = reaskPause(kind, attempt);
      const asked =
        pause === null
          ? answerFor(kind, String(s.value), handlers, prompt, s.context, stage)
          : new Promise<void>((resolve) => {
              ac.timer = setTimeout(resolve, pause);
            }).then(() => answerFor(kind, String(s.value), handlers, prompt, s.context, stage));
      asked.then(
        (ev) => {
          if (ac.cancelled || settled) return;
          if (ev === 'unhandled') {
            stopWith(prompt.error ?? new InvalidOptionsError(`No handler can complete the stage ${type} (${String(s.value)})`));
          } else if (ev) {
            // A stage guard drops an answer it cannot use (no identifier, an empty token) without
            // moving, so nothing would ask again: that answer can only end the negotiation.
            if (!(stage.getSnapshot() as { can(e: StageEvent): boolean }).can(ev)) {
              stopWith(new InvalidOptionsError(`${type}: the answer was refused (${refusalReason(ev, String(s.value))})`));
              return;
            }
            stage.send(ev);
          }
        },
        (e: unknown) => {
          if (ac.cancelled || settled) return;
          stopWith(e instanceof AbortedError ? e : e instanceof Error && 'code' in e ? (e as UiaError) : new AbortedError(`Stage handler failed: ${describeThrown(e)}`));
        },
      );
    };

    /** An app callback that throws ends the negotiation with an error naming it (never uncaught). */
    const callback = (name: string, fn: () => void): boolean => {
      try {
        fn();
        return true;
      } catch (e) {
        stopWith(new AbortedError(`${name} threw: ${describeThrown(e)}`));
        return false;
      }
    };
    if (onActor && !callback('onActor', () => onActor(actor))) {
      settle();
      reject(failure);
      return;
    }
    actor.subscribe({
      next: (snapshot) => {
        if (onSnapshot && !failure) callback('onSnapshot', () => onSnapshot(snapshot));
        const stage = (snapshot.children as Record<string, AnyActorRef | undefined>).stage;
        if (stage !== watched) {
          stageSub?.unsubscribe();
          watched = stage;
          lastValue = '';
          // The error handler is needed: a stage that throws is ended by the chart (ProtocolError),
          // but XState reports an actor's error as uncaught to an observer without one.
          stageSub = stage ? stage.subscribe({ next: () => promptStage(stage), error: () => {} }) : null;
          if (stage) promptStage(stage);
        }
        if (snapshot.status === 'active' && snapshot.context.poll.stopped && !failure) {
          stopWith(new TimeoutError());
        }
        if (snapshot.status !== 'done' || !settle()) return;
        const out = snapshot.output;
        if (out?.status === 'done') resolve(selectResult<T>(snapshot) as T);
        else reject(failure ?? out?.error ?? new AbortedError());
      },
      error: (e) => {
        if (settle()) reject(e);
      },
    });
    actor.start();
    actor.send({ type: 'START' });
  });
}
