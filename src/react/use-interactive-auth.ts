/**
 * `useInteractiveAuth`: one UIA negotiation as React state and typed actions.
 *
 * The hook runs the chart with `@xstate/react` (`useActorRef`, `useSelector`), reads what a UI
 * shows through the core's selectors, and wires the browser helpers: polling paused while the
 * page is hidden, the negotiation kept across reloads when `persist` is given, and the fallback /
 * SSO / m.oauth window opened by `openFallback()` from the user's click.
 *
 * What only some apps use is passed in as a value rather than switched on by a flag:
 * `persist: sessionPersistence(key)` and `inspect: sanitizedInspector(observer)`. So a dialog
 * that neither persists nor inspects bundles neither the snapshot checker nor the sanitizer.
 *
 * Settings (everything but the functions) are read once, at mount: one hook instance is one
 * negotiation. Remount (e.g. with a new `key`) to start another. The functions (`request`,
 * `requestEmailToken`, ...) may change between renders; the latest ones are called.
 */
import { useActorRef, useSelector } from '@xstate/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnyActorRef, InspectionEvent, Snapshot } from 'xstate';
import type { UiaEvent } from '../../machines/uia.types';
import { bindUiaFunctions, sharedUiaMachine, toMachineInput, type CreateUiaActorExtras } from '../api/create-uia-machine';
import type { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';
import type { UiaFunctions, UiaOptions } from '../api/options';
import { InvalidOptionsError, type UiaError } from '../errors/errors';
import { isSanitizedInspector, type SanitizedInspector } from '../secrets/sanitized-inspector';
import {
  selectBusy,
  selectChosenFlow,
  selectExternalUrl,
  selectFinalError,
  selectFlows,
  selectPolling,
  selectResult,
  selectStage,
  selectStageError,
  selectStageParams,
  selectStageRef,
  type StageSnapshotLike,
  type UiaSnapshot,
} from '../api/selectors';
import type { StageKind } from '../decisions/stage-kind';
import { pickPolicyTranslation, type TermsPolicy } from '../decisions/terms';
import type { UIAFlow, UserIdentifier } from '../types';
import type { StageMachineSet } from '../../machines/stages';
import { openAuthWindow, type AuthWindowHandle, type OpenAuthWindowOptions } from '../browser/auth-window';
import { watchPageVisibility } from '../browser/page-visibility';
import type { UiaSessionPersistence } from '../browser/session-store';

/** Options of {@link useInteractiveAuth}: the negotiation's own, plus how it lives in the page. */
export interface UseInteractiveAuthOptions<T> extends UiaOptions<T> {
  /**
   * The stage machines to run natively (see `createUiaActor`): `stageMachines` for every stage
   * type, or only those your screens show. Pass a module constant: the chart is shared per set.
   */
  stages: StageMachineSet;
  /** Send `START` on mount. Default `false`: call `start()` (e.g. from a button). */
  autoStart?: boolean;
  /**
   * Keep the negotiation across reloads: `sessionPersistence('key')` (from `matrix-uia/react` or
   * `matrix-uia/browser`; `sessionStorage` by default). On mount a saved negotiation is restored
   * and re-checked at once instead of started. A bare key is refused (`InvalidOptionsError`).
   */
  persist?: UiaSessionPersistence;
  /** Pause background polling while the page is hidden. Default `true`. */
  pausePollingWhenHidden?: boolean;
  /** Options of the fallback / SSO / m.oauth window (`openFallback`). */
  authWindow?: Omit<OpenAuthWindowOptions, 'onEvent' | 'window'>;
  /** Preferred languages for terms policies, e.g. `navigator.languages`. Default: English. */
  languages?: readonly string[];
  /**
   * Inspection observer wrapped by `sanitizedInspector` (from `matrix-uia`), as `createUiaActor`
   * takes it: credentials never reach it. A raw observer is refused (`InvalidOptionsError`).
   */
  inspect?: SanitizedInspector;
  /** The window to use. Default `globalThis.window`. */
  window?: Window;
  /**
   * For an operation a server that delegates auth does elsewhere (device deletion,
   * deactivation, password change, registration): where the user continues instead, from
   * `checkDelegatedAuth(client, handling)` (`matrix-uia/fetch` or `matrix-uia/matrix-js-sdk`;
   * `null` on a server served by UIA). When given, `start()` (and `autoStart`) send nothing and
   * `delegatedOutcome` returns it. Taken as a value, so an app that never meets such a server
   * bundles none of the discovery code.
   */
  delegatedOutcome?: AccountManagementRequiredError | OAuthRegistrationRequiredError | null;
}

/** Where the negotiation is, in one word. */
export type InteractiveAuthStatus = 'idle' | 'active' | 'done' | 'failed' | 'cancelled';

/** The fallback / m.oauth window, as the UI shows it. */
export interface AuthWindowState {
  /**
   * `none`: not opened (or the stage moved on); `open`: finish there; `blocked`: the browser
   * blocked it, show `url` as a link; `closed`: closed before done, checking; `done`: the page
   * reported done; `unavailable`: no page for this stage.
   */
  status: 'none' | 'open' | 'blocked' | 'closed' | 'done' | 'unavailable';
  /** The page URL; `null` when there is none. */
  url: string | null;
}

/** One terms policy ready to render. */
export interface PolicyView {
  /** Key of the policy in the stage params. */
  id: string;
  /** Version of the policy being accepted. */
  version: string;
  /** Name and URL in the best of `languages`. */
  name: string;
  /** Link to the policy text in the chosen language. */
  url: string;
  /** Language tag of `name` and `url`. */
  lang: string;
  /** Whether the user has ticked it. */
  accepted: boolean;
}

/** What {@link useInteractiveAuth} returns. */
export interface InteractiveAuth<T> {
  /** Lifecycle of the negotiation: `idle` before start, `active` while running, then a final one. */
  status: InteractiveAuthStatus;
  /** The open stage: its type (`m.login.password`) and kind (`password`), or `null`. */
  stage: {
    /** The stage type, e.g. `m.login.password`. */
    type: string;
    /** The stage machine kind serving it, e.g. `password`. */
    kind: StageKind;
  } | null;
  /** The open stage machine's state (`waiting`, `needsAddress`, `requestingToken`, ...). */
  stageState: string | null;
  /** The open stage machine's context (its fields depend on the kind; read-only). */
  stageContext: Readonly<Record<string, unknown>> | null;
  /** The server's params for the open stage. */
  params: Record<string, unknown> | undefined;
  /** The error to show on the open stage (wrong password, invalid token, network fault). */
  stageError: UiaError | null;
  /** A foreground request is in flight: disable the form. */
  busy: boolean;
  /** The open stage waits for the user. */
  waitingForInput: boolean;
  /** An out-of-band stage is being checked in the background. */
  polling: boolean;
  /** The fallback page or m.oauth approval page of the open stage. */
  externalUrl: string | null;
  /** The terms stage's policies, with the user's ticks. */
  policies: PolicyView[];
  /** Flows the server offered, and the one being followed. */
  flows: UIAFlow[];
  /** The flow being followed; `null` before the first answer. */
  chosenFlow: UIAFlow | null;
  /** The fallback / m.oauth window. */
  authWindow: AuthWindowState;
  /** True when this negotiation was restored from a saved one (a reload). */
  resumed: boolean;
  /** The endpoint's result, once `status` is `done`. */
  result: T | undefined;
  /** Why it failed or was cancelled. */
  error: UiaError | undefined;
  /**
   * On a server that delegates auth (the `delegatedOutcome` option): where the user continues
   * instead (`url`, `action`; `issuer` for registration). `null` otherwise.
   */
  delegatedOutcome: AccountManagementRequiredError | OAuthRegistrationRequiredError | null;
  /**
   * The negotiation ended because the endpoint does not exist on this server (404/405
   * `M_UNRECOGNIZED`), as on a server that delegates auth: ask `checkDelegatedAuth` (or
   * `toDelegatedError`) and pass the outcome in.
   */
  endpointUnrecognized: boolean;
  /** The parent chart's snapshot and actor, for advanced use. */
  snapshot: UiaSnapshot;
  /** The running chart's actor. */
  actorRef: AnyActorRef & {
    /** Sends an event to the chart. */
    send(event: UiaEvent): void;
    /** The chart's current snapshot. */
    getSnapshot(): UiaSnapshot;
  };

  /** Begin (when not `autoStart`). */
  start(): void;
  /** Submit the password stage (the identifier defaults to the `userId` option). */
  submitPassword(password: string, identifier?: UserIdentifier): void;
  /** Tick or untick one terms policy. */
  togglePolicy(policyId: string, accepted: boolean): void;
  /** Tick every terms policy. */
  acceptAllPolicies(): void;
  /** Submit the terms stage; acts only once every policy is ticked. */
  acceptTerms(): void;
  /** Submit the captcha widget's response. */
  submitRecaptcha(response: string): void;
  /** Submit a registration token. */
  submitToken(token: string): void;
  /** The email address, when the stage asks for one. */
  setEmail(address: string): void;
  /** Ask for another validation email. */
  resendEmail(): void;
  /** "I clicked the link": check now. */
  checkEmail(): void;
  /** Submit the code received by SMS. */
  submitMsisdnCode(code: string): void;
  /** Ask for another SMS. */
  resendSms(): void;
  /** Open the fallback / SSO / m.oauth page. Call it synchronously from the click handler. */
  openFallback(): AuthWindowHandle;
  /** "I've finished on the page": confirm without waiting for its message. */
  confirmExternalDone(): void;
  /** Check an out-of-band stage now. */
  poll(): void;
  /** Follow another flow the server offered (e.g. "use email instead"). */
  chooseFlow(stages: string[]): void;
  /** Retry a stage the server refused without user input (dummy). */
  retry(): void;
  /** Stop the negotiation; the request in flight is aborted. */
  cancel(): void;
}

/** A final `EndpointError` 404/405 `M_UNRECOGNIZED`: the endpoint is not on this server. */
function unrecognized(error: UiaError | undefined): boolean {
  const e = error as { httpStatus?: number; errcode?: string } | undefined;
  return (e?.httpStatus === 404 || e?.httpStatus === 405) && e.errcode === 'M_UNRECOGNIZED';
}

const NO_WINDOW: AuthWindowState = { status: 'none', url: null };

function statusOf(s: UiaSnapshot): InteractiveAuthStatus {
  if (s.status === 'active') return s.matches('idle') ? 'idle' : 'active';
  const out = s.output;
  return out?.status === 'done' ? 'done' : out?.status === 'cancelled' ? 'cancelled' : 'failed';
}

/** Binds the app's functions once, calling the latest ones, so re-renders never rebuild the chart. */
function latestFunctions<T>(first: UiaFunctions<T>, latest: { current: UiaFunctions<T> }): UiaFunctions<T> {
  const fns: UiaFunctions<T> = { request: (auth, opts) => latest.current.request(auth, opts) };
  if (first.requestEmailToken) fns.requestEmailToken = (req) => latest.current.requestEmailToken!(req);
  if (first.requestMsisdnToken) fns.requestMsisdnToken = (req) => latest.current.requestMsisdnToken!(req);
  if (first.submitMsisdnToken) fns.submitMsisdnToken = (req) => latest.current.submitMsisdnToken!(req);
  if (first.checkRegistrationToken) fns.checkRegistrationToken = (token, opts) => latest.current.checkRegistrationToken!(token, opts);
  return fns;
}

function inspectObserver(inspect: CreateUiaActorExtras['inspect']): ((e: InspectionEvent) => void) | undefined {
  if (!inspect) return undefined;
  // Refused rather than sanitized here (as createUiaActor does): the sanitizer is then bundled
  // only by apps that inspect.
  if (!isSanitizedInspector(inspect)) throw new InvalidOptionsError('inspect must be wrapped: sanitizedInspector(observer)');
  return inspect;
}

function persistenceOf(persist: unknown): UiaSessionPersistence | undefined {
  if (persist === undefined) return undefined;
  if (typeof (persist as UiaSessionPersistence | null)?.load !== 'function') throw new InvalidOptionsError("persist takes sessionPersistence('key')");
  return persist as UiaSessionPersistence;
}

/**
 * Runs one UIA negotiation in a component. See {@link UseInteractiveAuthOptions} and
 * {@link InteractiveAuth}; `docs/browser.md` walks through a whole dialog.
 */
export function useInteractiveAuth<T = unknown>(options: UseInteractiveAuthOptions<T>): InteractiveAuth<T> {
  const latest = useRef<UseInteractiveAuthOptions<T>>(options);
  useEffect(() => {
    latest.current = options;
  });

  // Everything read once, at mount.
  const [setup] = useState(() => {
    const persist = persistenceOf(options.persist);
    // Restored with useActorRef, not createUiaActor: only snapshots taken at rest are saved
    // (persistUiaSession), so there is no request to redo and no restore procedure to run.
    const restored: Snapshot<unknown> | undefined = persist?.load();
    const { autoStart, persist: _p, pausePollingWhenHidden, authWindow, languages, inspect, window: _w, delegatedOutcome: _d, ...uia } = options;
    void _p;
    void _w;
    void _d;
    void authWindow;
    void languages;
    return {
      functions: latestFunctions(uia, latest as { current: UiaFunctions<T> }),
      input: toMachineInput(uia),
      persist,
      restored,
      autoStart: autoStart ?? false,
      pausePollingWhenHidden: pausePollingWhenHidden ?? true,
      inspect: inspectObserver(inspect),
    };
  });

  // The chart every negotiation shares (built once); this one's functions are bound to its actor
  // system before the actor starts (useActorRef starts it in an effect).
  const actorRef = useActorRef(sharedUiaMachine(options.stages), {
    input: setup.input,
    ...(setup.restored ? { snapshot: setup.restored as never } : {}),
    ...(setup.inspect ? { inspect: setup.inspect } : {}),
  });
  bindUiaFunctions(actorRef, setup.functions);

  useEffect(() => {
    const win = latest.current.window;
    const disposers: Array<() => void> = [];
    if (setup.pausePollingWhenHidden) disposers.push(watchPageVisibility(actorRef, win ? { window: win } : {}));
    if (setup.persist) disposers.push(setup.persist.attach(actorRef));
    // A restored negotiation checks at once (the link may have been clicked meanwhile). Sent a
    // microtask later, and not at all if this effect is torn down first: StrictMode (and React's
    // Activity) stop and restart the actor right after mounting, and a request started in between
    // would be aborted and end the negotiation with a network error.
    let torndown = false;
    queueMicrotask(() => {
      if (torndown) return;
      if (setup.restored) actorRef.send({ type: 'POLL' });
      else if (setup.autoStart && !latest.current.delegatedOutcome) actorRef.send({ type: 'START' });
    });
    return () => {
      torndown = true;
      for (const d of disposers.splice(0)) d();
    };
  }, [actorRef, setup]);

  const snapshot = useSelector(actorRef, (s) => s);
  const finalError = selectFinalError(snapshot);
  // Stage machines are children: their changes (a ticked policy) do not emit a parent snapshot.
  const stageRef = useSelector(actorRef, selectStageRef);
  const stageSnapshot = useSelector(stageRef, (s) => s) as StageSnapshotLike | undefined;

  const [authWindow, setAuthWindow] = useState<AuthWindowState>(NO_WINDOW);
  const windowHandle = useRef<AuthWindowHandle | null>(null);
  const windowToken = useRef<object | null>(null);
  useEffect(() => () => windowHandle.current?.dispose(), []);

  const send = useCallback((event: UiaEvent) => actorRef.send(event), [actorRef]);

  const openFallback = useCallback((): AuthWindowHandle => {
    windowHandle.current?.dispose();
    // Only the newest window may change the state (an old one reports its own disposal).
    const token = {};
    windowToken.current = token;
    const opts = latest.current;
    const handle = openAuthWindow(actorRef, {
      ...opts.authWindow,
      ...(opts.window ? { window: opts.window } : {}),
      onEvent: (e) => {
        if (windowToken.current !== token) return;
        switch (e.type) {
          case 'opened':
            return setAuthWindow({ status: 'open', url: e.url });
          case 'blocked':
            return setAuthWindow({ status: 'blocked', url: e.url });
          case 'unavailable':
            return setAuthWindow({ status: 'unavailable', url: null });
          case 'done':
            return setAuthWindow((w) => ({ status: 'done', url: w.url }));
          case 'closed':
            return setAuthWindow((w) => ({ status: 'closed', url: w.url }));
          case 'disposed':
            // Done and closed stay shown; the window is gone once the stage moved on.
            if (e.reason === 'stage-changed' || e.reason === 'actor-ended') setAuthWindow(NO_WINDOW);
            return undefined;
        }
      },
    });
    windowHandle.current = handle;
    return handle;
  }, [actorRef]);

  // A new stage starts without a window.
  const stageType = snapshot.context.stage;
  useEffect(() => {
    setAuthWindow((w) => (w.status === 'none' ? w : NO_WINDOW));
  }, [stageType]);

  const stage = selectStage(snapshot);
  const languages = options.languages;
  const policies = useMemo((): PolicyView[] => {
    if (stage?.kind !== 'terms' || !stageSnapshot) return [];
    const ctx = stageSnapshot.context as { policies?: TermsPolicy[]; accepted?: string[] };
    return (ctx.policies ?? []).map((p) => {
      const t = pickPolicyTranslation(p, languages ?? []);
      return { id: p.id, version: p.version, name: t.name, url: t.url, lang: t.lang, accepted: (ctx.accepted ?? []).includes(p.id) };
    });
  }, [stage?.kind, stageSnapshot, languages]);

  const stageActive = stageSnapshot?.status === 'active';
  const actions = useMemo(
    () => ({
      // A delegated server does this elsewhere: nothing is sent (delegatedOutcome says where).
      start: () => {
        if (!latest.current.delegatedOutcome) send({ type: 'START' });
      },
      submitPassword: (password: string, identifier?: UserIdentifier) =>
        send(identifier ? { type: 'PASSWORD.SUBMIT', password, identifier } : { type: 'PASSWORD.SUBMIT', password }),
      togglePolicy: (policyId: string, accepted: boolean) => send({ type: 'TERMS.TOGGLE', policyId, accepted }),
      acceptAllPolicies: () => send({ type: 'TERMS.ACCEPT_ALL' }),
      acceptTerms: () => send({ type: 'TERMS.SUBMIT' }),
      submitRecaptcha: (response: string) => send({ type: 'RECAPTCHA.SUBMIT', response }),
      submitToken: (token: string) => send({ type: 'TOKEN.SUBMIT', token }),
      setEmail: (email: string) => send({ type: 'EMAIL.SET_ADDRESS', email }),
      resendEmail: () => send({ type: 'EMAIL.RESEND' }),
      checkEmail: () => send({ type: 'EMAIL.CHECK' }),
      submitMsisdnCode: (code: string) => send({ type: 'MSISDN.SUBMIT_CODE', code }),
      resendSms: () => send({ type: 'MSISDN.RESEND' }),
      confirmExternalDone: () => {
        const kind = selectStage(actorRef.getSnapshot())?.kind;
        if (kind === 'oauth') send({ type: 'OAUTH.DONE' });
        else if (kind === 'fallback') send({ type: 'FALLBACK.DONE' });
      },
      poll: () => send({ type: 'POLL' }),
      chooseFlow: (stages: string[]) => send({ type: 'CHOOSE_FLOW', stages }),
      retry: () => send({ type: 'STAGE.RETRY' }),
      cancel: () => send({ type: 'CANCEL' }),
    }),
    [send, actorRef],
  );

  return {
    status: statusOf(snapshot),
    stage,
    stageState: stageActive && typeof stageSnapshot?.value === 'string' ? stageSnapshot.value : null,
    stageContext: stageActive ? stageSnapshot!.context : null,
    params: selectStageParams(snapshot),
    stageError: selectStageError(snapshot),
    busy: selectBusy(snapshot),
    waitingForInput: snapshot.status === 'active' && Boolean(stageActive && stageSnapshot?.hasTag('input')),
    polling: selectPolling(snapshot),
    externalUrl: selectExternalUrl(snapshot),
    policies,
    flows: selectFlows(snapshot),
    chosenFlow: selectChosenFlow(snapshot),
    authWindow,
    resumed: setup.restored !== undefined,
    result: selectResult<T>(snapshot),
    error: selectFinalError(snapshot),
    delegatedOutcome: options.delegatedOutcome ?? null,
    endpointUnrecognized: unrecognized(finalError),
    snapshot,
    actorRef: actorRef as unknown as InteractiveAuth<T>['actorRef'],
    ...actions,
    openFallback,
  };
}
